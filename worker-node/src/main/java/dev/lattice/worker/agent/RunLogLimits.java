package dev.lattice.worker.agent;

import com.typesafe.config.Config;

/**
 * The {@code lattice.worker.run-log} settings: how much of what an action writes to its run's log
 * one attempt keeps.
 *
 * @param maxLines lines kept per attempt; later ones are counted, and one line says how many
 * @param maxBytes bytes (UTF-8) kept per attempt, all lines together
 * @param maxLineChars characters kept of one line; the rest is cut
 */
public record RunLogLimits(int maxLines, long maxBytes, int maxLineChars) {
  public RunLogLimits {
    if (maxLines < 0 || maxBytes < 0 || maxLineChars < 1) {
      throw new IllegalArgumentException(
          "lattice.worker.run-log: max-lines and max-bytes must be at least 0, max-line-chars at"
              + " least 1");
    }
  }

  /** Reads {@code runLog}, the {@code lattice.worker.run-log} section. */
  public static RunLogLimits create(Config runLog) {
    return new RunLogLimits(
        runLog.getInt("max-lines"), runLog.getBytes("max-bytes"), runLog.getInt("max-line-chars"));
  }
}
