package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.dispatch.Dispatcher;
import dev.lattice.orchestrator.run.AssignmentSink;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.ids.BusKey;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** Runs hand assignments to the sharded dispatcher of their bus key, wherever it lives. */
final class ShardedAssignments implements AssignmentSink {
  private final ClusterSharding sharding;

  ShardedAssignments(ClusterSharding sharding) {
    this.sharding = sharding;
  }

  @Override
  public void enqueue(BusKey busKey, Assignment assignment) {
    sharding
        .entityRefFor(Dispatcher.ENTITY_TYPE_KEY, busKey.value())
        .tell(new Dispatcher.Enqueue(assignment));
  }

  @Override
  public void withdraw(BusKey busKey, String idempotencyKey) {
    sharding
        .entityRefFor(Dispatcher.ENTITY_TYPE_KEY, busKey.value())
        .tell(new Dispatcher.Withdraw(idempotencyKey));
  }
}
