package dev.lattice.protocol.log;

import dev.lattice.protocol.ids.RunId;
import java.util.Objects;

/**
 * Which entries of a run's log to read: a page of them, oldest first, from a cursor.
 *
 * @param runId the run
 * @param level the least level of the entries wanted
 * @param source only entries of this source (an agent's id, {@code dispatcher} or {@code run}), or
 *     {@code null} for every source
 * @param stepId only entries about this step, or {@code null} for every step and the run itself
 * @param after the cursor of the previous page ({@link RunLogPage#next()}), or {@code null} for the
 *     first page
 * @param limit the most entries in the page
 */
public record RunLogQuery(
    RunId runId, LogLevel level, String source, String stepId, String after, int limit) {
  public RunLogQuery {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(level, "level");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    if (after != null) {
      RunLogCursor.parse(after);
    }
  }

  /** Where the page starts: after {@link #after()}, or at the first entry. */
  public RunLogCursor cursor() {
    return after == null ? RunLogCursor.START : RunLogCursor.parse(after);
  }

  /** This query from {@code next}, a previous page's cursor. */
  public RunLogQuery after(String next) {
    return new RunLogQuery(runId, level, source, stepId, next, limit);
  }
}
