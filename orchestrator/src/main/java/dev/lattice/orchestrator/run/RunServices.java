package dev.lattice.orchestrator.run;

import dev.lattice.persistence.readmodel.RunIndexWriter;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a run entity needs from its node.
 *
 * @param settings the run settings
 * @param progress the decision logic
 * @param assignments where assignments go
 * @param clock the clock every event's time is read from
 * @param index the run index writer, told of every status change
 */
public record RunServices(
    RunSettings settings,
    RunProgress progress,
    AssignmentSink assignments,
    Clock clock,
    ActorRef<RunIndexWriter.Command> index) {}
