package dev.lattice.orchestrator.run;

import dev.lattice.orchestrator.run.core.RunProgress;
import dev.lattice.orchestrator.run.core.RunSettings;
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
 */
public record RunServices(
    RunSettings settings,
    RunProgress progress,
    AssignmentSink assignments,
    Clock clock,
    int heldDeltaChars,
    ChildRuns children) {

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
