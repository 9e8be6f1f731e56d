package dev.lattice.orchestrator.tenant;

import dev.lattice.orchestrator.policy.LeaseSettings;
import dev.lattice.protocol.agent.Spend;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A dispatcher's lease of its tenant's budget: what the ledger granted ahead and is not yet used,
 * from which attempts take their holds without a round trip to the ledger; and which attempts took
 * theirs from it, so that their settlement says so.
 *
 * <p>The lease belongs to the ledger incarnation that granted it: when that ledger stops (or its
 * node leaves), the unused part is dropped, and attempts that took from it settle as plain ones,
 * since the new incarnation knows nothing of the lease.
 *
 * <p>Not thread-safe: it belongs to its dispatcher's actor.
 */
public final class TenantLease {
  /** What an attempt took from the lease of {@code ledger}. */
  private record Taken(Spend held, ActorRef<TenantLedger.Command> ledger) {}

  private final LeaseSettings settings;
  private final Map<String, Taken> taken = new HashMap<>();
  private ActorRef<TenantLedger.Command> ledger;
  private Spend unused = Spend.NONE;
  // When the ledger was last asked, while its answer is awaited.
  private Instant askedAt;
  private Instant askAgainAt = Instant.MIN;
  private boolean usedSinceCheck;

  public TenantLease(LeaseSettings settings) {
    this.settings = settings;
  }

  /** Takes {@code hold} for the attempt {@code key} from the lease; false if it cannot cover it. */
  public boolean take(String key, Spend hold) {
    if (ledger == null || !unused.covers(hold)) {
      return false;
    }
    unused = unused.minus(hold);
    taken.put(key, new Taken(hold, ledger));
    usedSinceCheck = true;
    return true;
  }

  /**
   * What to ask the ledger for now, with attempts that hold {@code hold} coming: a new lease once
   * half of one or less is left, unless an answer is awaited or the ledger declined lately.
   */
  public Optional<Spend> toAsk(Spend hold, Instant now) {
    // An answer lost with the ledger's node is waited for no longer than a refusal's pause.
    boolean awaited = askedAt != null && now.isBefore(askedAt.plus(settings.retryAfterRefusal()));
    if (!settings.enabled() || awaited || now.isBefore(askAgainAt) || hold.none()) {
      return Optional.empty();
    }
    if (unused.covers(hold.times(settings.attempts() / 2 + 1))) {
      return Optional.empty();
    }
    askedAt = now;
    return Optional.of(hold.times(settings.attempts()));
  }

  /**
   * The ledger answered a request: the amount is added to the lease (or, from a new incarnation of
   * the ledger, replaces it). Returns the ledger to watch if it is one not watched yet.
   */
  public Optional<ActorRef<TenantLedger.Command>> granted(TenantLedger.Leased leased, Instant now) {
    askedAt = null;
    if (leased.amount().none()) {
      askAgainAt = now.plus(settings.retryAfterRefusal());
      return Optional.empty();
    }
    if (leased.ledger().equals(ledger)) {
      unused = unused.plus(leased.amount());
      return Optional.empty();
    }
    ledger = leased.ledger();
    unused = leased.amount();
    return Optional.of(ledger);
  }

  /**
   * {@code from} recalls the unused part: returns what to give back (possibly nothing, which
   * answers the recall all the same). The dispatcher asks again only after a while.
   */
  public Spend recalled(ActorRef<TenantLedger.Command> from, Instant now) {
    askAgainAt = now.plus(settings.retryAfterRefusal());
    if (!from.equals(ledger)) {
      return Spend.NONE;
    }
    return giveBackAll();
  }

  /**
   * Called every give-back-after-idle while the lease has an unused part: returns that part to give
   * back if nothing took from it since the last call.
   */
  public Spend idle() {
    if (usedSinceCheck) {
      usedSinceCheck = false;
      return Spend.NONE;
    }
    return giveBackAll();
  }

  private Spend giveBackAll() {
    Spend back = unused;
    unused = Spend.NONE;
    return back;
  }

  /** {@code gone} stopped: if it granted the lease, its unused part is void. */
  public void ledgerGone(ActorRef<TenantLedger.Command> gone) {
    if (gone.equals(ledger)) {
      ledger = null;
      unused = Spend.NONE;
      askedAt = null;
    }
  }

  /**
   * The attempt {@code key} finished: what it took from the lease of the ledger still in charge, or
   * empty if it took nothing from it (reserved on its own, or from an earlier incarnation).
   */
  public Optional<Spend> settled(String key) {
    Taken took = taken.remove(key);
    return took != null && took.ledger().equals(ledger)
        ? Optional.of(took.held())
        : Optional.empty();
  }

  /** Whether some of the lease is unused (to be given back when idle). */
  public boolean hasUnused() {
    return !unused.none();
  }

  /** The idle check's interval. */
  public Duration idleCheck() {
    return settings.giveBackAfterIdle();
  }
}
