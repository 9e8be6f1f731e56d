package dev.lattice.orchestrator.dispatch;

import dev.lattice.orchestrator.policy.TenantLedger;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.ids.TenantId;
import org.apache.pekko.actor.typed.ActorRef;

/** Where dispatchers reserve and settle attempts against their tenant's budget. */
public interface TenantLedgers {
  /** Asks to hold {@code hold} for the attempt {@code key}; the answer goes to {@code replyTo}. */
  void reserve(TenantId tenant, String key, Spend hold, ActorRef<TenantLedger.Reservation> replyTo);

  /** The attempt {@code key} finished having spent {@code spent}; its hold is released. */
  void settle(TenantId tenant, String key, Spend spent);
}
