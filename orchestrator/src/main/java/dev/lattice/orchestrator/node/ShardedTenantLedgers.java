package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.dispatch.TenantLedgers;
import dev.lattice.orchestrator.policy.TenantLedger;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.ids.TenantId;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** Dispatchers reach each tenant's sharded ledger, wherever it lives. */
final class ShardedTenantLedgers implements TenantLedgers {
  private final ClusterSharding sharding;

  ShardedTenantLedgers(ClusterSharding sharding) {
    this.sharding = sharding;
  }

  @Override
  public void reserve(
      TenantId tenant, String key, Spend hold, ActorRef<TenantLedger.Reservation> replyTo) {
    sharding
        .entityRefFor(TenantLedger.ENTITY_TYPE_KEY, tenant.value())
        .tell(new TenantLedger.Reserve(key, hold, replyTo));
  }

  @Override
  public void settle(TenantId tenant, String key, Spend spent) {
    sharding
        .entityRefFor(TenantLedger.ENTITY_TYPE_KEY, tenant.value())
        .tell(new TenantLedger.Settle(key, spent));
  }
}
