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
 */
public record RunServices(
    RunSettings settings,
    RunProgress progress,
    AssignmentSink assignments,
    Clock clock,
    int heldDeltaChars) {

  /** The config key of {@link #heldDeltaChars}. */
  public static final String HELD_DELTA_CHARS = "lattice.run.deltas.held-chars";
}
