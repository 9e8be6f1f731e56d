package dev.lattice.orchestrator.dispatch;

import dev.lattice.orchestrator.tenant.TenantLease;
import dev.lattice.orchestrator.tenant.TenantLedger;
import dev.lattice.orchestrator.tenant.TenantLedgers;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.ids.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A dispatcher's side of its tenant's budget: admitted attempts waiting for the tenant's ledger to
 * grant their hold, what accepted attempts hold, and the settlement when they finish. Attempts of
 * tenants without a budget never come here. An attempt takes its hold from the dispatcher's {@link
 * TenantLease} when that covers it, at once; otherwise it asks the ledger, and the lease is renewed
 * meanwhile.
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
  private final ActorRef<TenantLedger.LeaseNews> leaseReplies;
  private final TenantLease lease;
  private final Map<String, DispatchPolicy.Admitted> reserving = new HashMap<>();
  private final Map<String, Spend> holds = new HashMap<>();

  TenantHolds(
      DispatchPolicy policy,
      TenantLedgers ledgers,
      TenantId tenant,
      ActorRef<TenantLedger.Reservation> replies,
      ActorRef<TenantLedger.LeaseNews> leaseReplies) {
    this.policy = policy;
    this.ledgers = ledgers;
    this.tenant = tenant;
    this.replies = replies;
    this.leaseReplies = leaseReplies;
    this.lease = new TenantLease(policy.lease());
  }

  /** The admission of an attempt still waiting for its hold, if {@code key} is one. */
  Optional<DispatchPolicy.Admitted> waiting(String key) {
    return Optional.ofNullable(reserving.get(key));
  }

  /**
   * Holds the attempt's estimate: true if taken from the lease at once; otherwise the tenant's
   * ledger is asked, and the answer comes back as a {@link TenantLedger.Reservation}. Asked again
   * when the run re-sends it: the ledger replaces a repeated reservation.
   */
  boolean reserve(DispatchPolicy.Admitted admitted, Instant now) {
    Assignment assignment = admitted.assignment();
    String key = assignment.idempotencyKey();
    // One re-sent while the ledger is asked for it waits for that answer, so it is accepted once.
    boolean taken = !reserving.containsKey(key) && lease.take(key, admitted.hold());
    lease
        .toAsk(admitted.hold(), now)
        .ifPresent(amount -> ledgers.askLease(tenant, amount, leaseReplies));
    if (taken) {
      holds.put(key, admitted.hold());
      return true;
    }
    reserving.put(key, admitted);
    ledgers.reserve(assignment.tenant(), key, admitted.hold(), replies);
    return false;
  }

  /**
   * The ledger answered a request for a lease; returns the ledger to watch, if it is one not
   * watched yet.
   */
  Optional<ActorRef<TenantLedger.Command>> leased(TenantLedger.Leased leased, Instant now) {
    return lease.granted(leased, now);
  }

  /** The ledger {@code from} recalls the lease: its unused part goes back. */
  void recalled(ActorRef<TenantLedger.Command> from, Instant now) {
    ledgers.giveBack(tenant, lease.recalled(from, now), leaseReplies);
  }

  /** The ledger {@code gone} stopped: a lease it granted is void. */
  void ledgerGone(ActorRef<TenantLedger.Command> gone) {
    lease.ledgerGone(gone);
  }

  /**
   * Called every {@link #idleCheck()} while the lease has an unused part: gives it back if nothing
   * took from it since the last call. Returns whether some is still unused.
   */
  boolean idle() {
    Spend back = lease.idle();
    if (!back.none()) {
      ledgers.giveBack(tenant, back, leaseReplies);
    }
    return lease.hasUnused();
  }

  /** Whether the lease has an unused part, to be given back once idle. */
  boolean leaseUnused() {
    return lease.hasUnused();
  }

  /** How often to check whether the lease is idle. */
  Duration idleCheck() {
    return lease.idleCheck();
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
    String key = assignment.idempotencyKey();
    Optional<Spend> leased = lease.settled(key);
    if (leased.isPresent()) {
      ledgers.settleLeased(assignment.tenant(), key, spent, leased.get(), leaseReplies);
    } else {
      ledgers.settle(assignment.tenant(), key, spent);
    }
    return new Reconciled(holds.remove(key), spent);
  }
}
