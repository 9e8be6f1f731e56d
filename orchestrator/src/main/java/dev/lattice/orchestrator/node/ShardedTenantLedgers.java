package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.tenant.TenantLedger;
import dev.lattice.orchestrator.tenant.TenantLedgers;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.ids.TenantId;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/** Dispatchers reach each tenant's sharded ledger, wherever it lives. */
final class ShardedTenantLedgers implements TenantLedgers {
  private final ClusterSharding sharding;

  ShardedTenantLedgers(ClusterSharding sharding) {
    this.sharding = sharding;
  }

  @Override
  public void reserve(
      TenantId tenant, String key, Spend hold, ActorRef<TenantLedger.Reservation> replyTo) {
    ledger(tenant).tell(new TenantLedger.Reserve(key, hold, replyTo));
  }

  @Override
  public void settle(TenantId tenant, String key, Spend spent) {
    ledger(tenant).tell(new TenantLedger.Settle(key, spent));
  }

  @Override
  public void askLease(TenantId tenant, Spend amount, ActorRef<TenantLedger.LeaseNews> lessee) {
    ledger(tenant).tell(new TenantLedger.AskLease(amount, lessee));
  }

  @Override
  public void settleLeased(
      TenantId tenant,
      String key,
      Spend spent,
      Spend held,
      ActorRef<TenantLedger.LeaseNews> lessee) {
    ledger(tenant).tell(new TenantLedger.SettleLeased(key, spent, held, lessee));
  }

  @Override
  public void giveBack(TenantId tenant, Spend amount, ActorRef<TenantLedger.LeaseNews> lessee) {
    ledger(tenant).tell(new TenantLedger.GiveBack(amount, lessee));
  }

  private EntityRef<TenantLedger.Command> ledger(TenantId tenant) {
    return sharding.entityRefFor(TenantLedger.ENTITY_TYPE_KEY, tenant.value());
  }
}
