package dev.lattice.orchestrator.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.lattice.orchestrator.logging.LogFormat;
import picocli.CommandLine.Option;

/** The logging options of the commands that start a node. */
final class LogOptions {
  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      description =
          "How the node writes its log lines to stderr: text, or json (one JSON object per line,"
              + " with the run, step and tenant ids under \"mdc\"). Default:"
              + " lattice.logging.format, LATTICE_LOG_FORMAT, else text.")
  String format;

  /**
   * The configuration these options stand for. The format takes effect at once, so that the lines
   * the node logs while it starts are in it too.
   */
  Config config() {
    if (format == null) {
      return ConfigFactory.empty();
    }
    LogFormat chosen;
    try {
      chosen = LogFormat.parse(format);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--log-format must be text or json, was '" + format + "'");
    }
    LogFormat.install(chosen);
    return ConfigFactory.empty()
        .withValue(LogFormat.PATH, ConfigValueFactory.fromAnyRef(chosen.wire()));
  }
}
