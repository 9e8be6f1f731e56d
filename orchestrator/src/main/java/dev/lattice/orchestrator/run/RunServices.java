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
 */
public record RunServices(
    RunSettings settings, RunProgress progress, AssignmentSink assignments, Clock clock) {}
