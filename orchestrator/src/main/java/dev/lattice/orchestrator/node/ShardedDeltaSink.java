package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.run.RunEntity;
import dev.lattice.protocol.run.StepDelta;
import dev.lattice.worker.action.llm.DeltaSink;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Streamed text goes to the run's entity, wherever it lives, which holds it for late followers and
 * pushes it to the followers it has: the run already knows who follows it, and the journal is not
 * involved.
 */
final class ShardedDeltaSink implements DeltaSink {
  @Override
  public void send(ActorSystem<?> system, StepDelta delta) {
    ClusterSharding.get(system)
        .entityRefFor(RunEntity.ENTITY_TYPE_KEY, delta.runId())
        .tell(new RunEntity.PublishDelta(delta));
  }
}
