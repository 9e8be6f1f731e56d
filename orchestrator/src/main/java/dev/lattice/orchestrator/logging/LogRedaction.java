package dev.lattice.orchestrator.logging;

import com.typesafe.config.ConfigFactory;
import dev.lattice.protocol.redact.Redactor;

/**
 * The redaction log lines get before they are written ({@link RedactingLayout}). A logging backend
 * creates its layouts before any node exists, so the node installs its own {@code
 * lattice.redaction} settings here when it starts; until then the defaults apply. One JVM has one
 * logging configuration: with several nodes in it, the last one started decides.
 */
public final class LogRedaction {
  private static volatile Redactor redactor;

  private LogRedaction() {}

  /** Log lines are redacted by {@code installed} from now on. */
  public static void install(Redactor installed) {
    redactor = installed;
  }

  /** The redaction in force: the installed one, else the defaults of {@code lattice.redaction}. */
  public static Redactor redactor() {
    Redactor current = redactor;
    if (current == null) {
      current = Redactor.fromConfig(ConfigFactory.defaultReference());
      redactor = current;
    }
    return current;
  }
}
