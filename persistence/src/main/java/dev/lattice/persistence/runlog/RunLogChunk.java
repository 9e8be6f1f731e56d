package dev.lattice.persistence.runlog;

import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.log.LogLevel;
import dev.lattice.protocol.log.LogLine;
import java.util.List;
import java.util.Objects;

/**
 * Entries of one run's log from one source about one attempt (or the run as a whole), written
 * together: one row of {@code lattice_run_log}.
 *
 * @param runId the run
 * @param source an agent's id, or {@code run}
 * @param stepId the step, or {@code null} for the run as a whole
 * @param attempt the step's attempt, or {@code null}
 * @param lines the entries, in order; never empty
 */
public record RunLogChunk(
    RunId runId, String source, String stepId, Integer attempt, List<LogLine> lines) {
  public RunLogChunk {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(source, "source");
    lines = List.copyOf(lines);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("a chunk of a run's log holds at least one line");
    }
  }

  /** The highest level of its lines. */
  public LogLevel maxLevel() {
    LogLevel max = LogLevel.DEBUG;
    for (LogLine line : lines) {
      if (line.level().atLeast(max)) {
        max = line.level();
      }
    }
    return max;
  }

  /** This chunk with {@code lines} instead of its own. */
  public RunLogChunk withLines(List<LogLine> lines) {
    return new RunLogChunk(runId, source, stepId, attempt, lines);
  }
}
