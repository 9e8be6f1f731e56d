package dev.lattice.orchestrator.tenant;

import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.ids.TenantId;
import org.apache.pekko.actor.typed.ActorRef;

/** Where dispatchers reserve and settle attempts against their tenant's budget. */
public interface TenantLedgers {
  /** Asks to hold {@code hold} for the attempt {@code key}; the answer goes to {@code replyTo}. */
  void reserve(TenantId tenant, String key, Spend hold, ActorRef<TenantLedger.Reservation> replyTo);

  /** The attempt {@code key} finished having spent {@code spent}; its hold is released. */
  void settle(TenantId tenant, String key, Spend spent);

  /** Asks for {@code amount} ahead, as a lease; the answer goes to {@code lessee}. */
  void askLease(TenantId tenant, Spend amount, ActorRef<TenantLedger.LeaseNews> lessee);

  /**
   * The attempt {@code key}, which held {@code held} from the lease of {@code lessee}, finished
   * having spent {@code spent}.
   */
  void settleLeased(
      TenantId tenant,
      String key,
      Spend spent,
      Spend held,
      ActorRef<TenantLedger.LeaseNews> lessee);

  /** {@code lessee} gives back {@code amount}, the unused part of its lease. */
  void giveBack(TenantId tenant, Spend amount, ActorRef<TenantLedger.LeaseNews> lessee);
}
