package dev.lattice.orchestrator.logging;

import java.util.Locale;

/**
 * How a node writes its log lines: {@link #TEXT}, one line per event for people, or {@link #JSON},
 * one JSON object per line for log collectors ({@link RedactingEncoder}). The logging backend is
 * set up before any node exists, so the format starts as the {@code lattice.logging.format} system
 * property or the {@code LATTICE_LOG_FORMAT} environment variable say (text when neither does), and
 * a node installs its own {@code lattice.logging.format} when it starts. One JVM has one logging
 * configuration: with several nodes in it, the last one started decides.
 */
public enum LogFormat {
  TEXT,
  JSON;

  /** The configuration path of the format. */
  public static final String PATH = "lattice.logging.format";

  /** The environment variable that sets it. */
  public static final String ENVIRONMENT = "LATTICE_LOG_FORMAT";

  private static volatile LogFormat current = initial();

  /** The format log lines are written in now. */
  public static LogFormat current() {
    return current;
  }

  /** Log lines are written in {@code format} from now on. */
  public static void install(LogFormat format) {
    current = format;
  }

  /**
   * The format named {@code name} ({@code text} or {@code json}, in any case).
   *
   * @throws IllegalArgumentException naming the setting, for any other name
   */
  public static LogFormat parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          PATH + " (" + ENVIRONMENT + ") must be text or json, was '" + name + "'", e);
    }
  }

  /** The name of this format in settings and on the command line. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  private static LogFormat initial() {
    String named = System.getProperty(PATH);
    if (named == null || named.isBlank()) {
      named = System.getenv(ENVIRONMENT);
    }
    if (named == null || named.isBlank()) {
      return TEXT;
    }
    try {
      return parse(named);
    } catch (IllegalArgumentException e) {
      // Logging cannot refuse to start; the node refuses the same value when it reads it.
      return TEXT;
    }
  }
}
