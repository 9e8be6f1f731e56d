package dev.lattice.orchestrator.run;

import dev.lattice.orchestrator.run.core.RunProgress;
import dev.lattice.orchestrator.run.core.RunSettings;
import dev.lattice.orchestrator.runlog.RunLogSink;
import dev.lattice.protocol.log.LogLevel;
import java.time.Clock;

/**
 * What a run entity needs from its node.
 *
 * @param settings the run settings
 * @param progress the decision logic
 * @param assignments where assignments go
 * @param clock the clock every event's time is read from
 * @param heldDeltaChars the most characters of a running attempt's streamed text a run holds for
 *     followers that join late ({@code lattice.run.deltas.held-chars})
 * @param children where run steps start their child runs
 * @param runLogs where the run writes to its own log
 * @param runLogLevel the least level of what the run writes there ({@code lattice.run-log.level})
 */
public record RunServices(
    RunSettings settings,
    RunProgress progress,
    AssignmentSink assignments,
    Clock clock,
    int heldDeltaChars,
    ChildRuns children,
    RunLogSink runLogs,
    LogLevel runLogLevel) {

  /** Services of runs that keep no log of their own. */
  public RunServices(
      RunSettings settings,
      RunProgress progress,
      AssignmentSink assignments,
      Clock clock,
      int heldDeltaChars,
      ChildRuns children) {
    this(
        settings,
        progress,
        assignments,
        clock,
        heldDeltaChars,
        children,
        RunLogSink.NONE,
        LogLevel.ERROR);
  }

  /** Services of runs that start no child runs. */
  public RunServices(
      RunSettings settings,
      RunProgress progress,
      AssignmentSink assignments,
      Clock clock,
      int heldDeltaChars) {
    this(settings, progress, assignments, clock, heldDeltaChars, ChildRuns.NONE);
  }

  /** The config key of {@link #heldDeltaChars}. */
  public static final String HELD_DELTA_CHARS = "lattice.run.deltas.held-chars";
}
