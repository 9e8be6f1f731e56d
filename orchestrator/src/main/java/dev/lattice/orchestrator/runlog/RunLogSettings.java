package dev.lattice.orchestrator.runlog;

import com.typesafe.config.Config;
import dev.lattice.protocol.log.LogLevel;
import java.time.Duration;

/**
 * The {@code lattice.run-log} settings: what a node stores of runs' logs and how it writes and
 * reads them.
 *
 * @param level the least level stored of what runs themselves write (agents' lines are kept as
 *     their agents bound them)
 * @param flushInterval how long entries may wait to be written with others
 * @param batchChunks how many chunks one write takes at most
 * @param bufferChunks how many chunks may wait for a write; more are dropped and counted
 * @param maxRowsPerPage the most rows one page of a run's log reads of each table
 */
public record RunLogSettings(
    LogLevel level, Duration flushInterval, int batchChunks, int bufferChunks, int maxRowsPerPage) {
  /** The configuration path of these settings. */
  public static final String PATH = "lattice.run-log";

  public static RunLogSettings create(Config config) {
    Config c = config.getConfig(PATH);
    LogLevel level;
    try {
      level = LogLevel.fromWire(c.getString("level"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PATH + ".level: " + e.getMessage(), e);
    }
    return new RunLogSettings(
        level,
        c.getDuration("flush-interval"),
        c.getInt("batch-chunks"),
        c.getInt("buffer-chunks"),
        c.getInt("max-rows-per-page"));
  }
}
