package dev.lattice.orchestrator.dispatch;

import dev.lattice.orchestrator.policy.TenantLedger;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.ids.TenantId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A dispatcher's side of its tenant's budget: admitted attempts waiting for the tenant's ledger to
 * grant their hold, what accepted attempts hold, and the settlement when they finish. Attempts of
 * tenants without a budget never come here.
 *
 * <p>Not thread-safe: it belongs to its dispatcher's actor. Holds are kept in memory: a restarted
 * dispatcher settles its attempts without knowing what they held, and the ledger releases the hold
 * by key all the same.
 */
final class TenantHolds {
  /**
   * The figures of a reconciliation: what an attempt held ({@code null} if its dispatcher restarted
   * since it reserved), and what it spent.
   */
  record Reconciled(Spend held, Spend spent) {}

  private final DispatchPolicy policy;
  private final TenantLedgers ledgers;
  private final TenantId tenant;
  private final ActorRef<TenantLedger.Reservation> replies;
  private final Map<String, DispatchPolicy.Admitted> reserving = new HashMap<>();
  private final Map<String, Spend> holds = new HashMap<>();

  TenantHolds(
      DispatchPolicy policy,
      TenantLedgers ledgers,
      TenantId tenant,
      ActorRef<TenantLedger.Reservation> replies) {
    this.policy = policy;
    this.ledgers = ledgers;
    this.tenant = tenant;
    this.replies = replies;
  }

  /** The admission of an attempt still waiting for its hold, if {@code key} is one. */
  Optional<DispatchPolicy.Admitted> waiting(String key) {
    return Optional.ofNullable(reserving.get(key));
  }

  /**
   * Asks the tenant's ledger to hold the attempt's estimate; the answer comes back as a {@link
   * TenantLedger.Reservation}. Asked again when the run re-sends it: the ledger replaces a repeated
   * reservation.
   */
  void reserve(DispatchPolicy.Admitted admitted) {
    Assignment assignment = admitted.assignment();
    reserving.put(assignment.idempotencyKey(), admitted);
    ledgers.reserve(assignment.tenant(), assignment.idempotencyKey(), admitted.hold(), replies);
  }

  /** The attempt {@code key} was withdrawn: a hold granted later is given back. */
  void forget(String key) {
    reserving.remove(key);
  }

  /**
   * The ledger answered: the attempt it concerns, or empty if it was withdrawn meanwhile (a granted
   * hold is then given back). A granted hold is kept until the attempt settles.
   */
  Optional<DispatchPolicy.Admitted> answered(TenantLedger.Reservation reservation) {
    DispatchPolicy.Admitted admitted = reserving.remove(reservation.key());
    if (admitted == null) {
      if (reservation.granted()) {
        ledgers.settle(tenant, reservation.key(), Spend.NONE);
      }
      return Optional.empty();
    }
    if (reservation.granted()) {
      holds.put(reservation.key(), reservation.hold());
    }
    return Optional.of(admitted);
  }

  /**
   * Settles a finished attempt with its tenant's ledger, if the tenant is limited: its hold is
   * released and what it spent is counted. The figures, or {@code null} for a tenant without a
   * budget.
   */
  Reconciled settle(Assignment assignment, Usage usage) {
    if (!policy.tenantLimited(assignment.tenant())) {
      return null;
    }
    Spend spent = Spend.of(usage);
    ledgers.settle(assignment.tenant(), assignment.idempotencyKey(), spent);
    return new Reconciled(holds.remove(assignment.idempotencyKey()), spent);
  }
}
