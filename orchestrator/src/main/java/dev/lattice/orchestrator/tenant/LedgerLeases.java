package dev.lattice.orchestrator.tenant;

import dev.lattice.protocol.agent.Spend;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The leases a tenant's ledger granted to dispatchers, and which of them it is recalling.
 *
 * <p>A lease is budget a dispatcher took ahead; it holds its attempts' estimates from it without
 * asking the ledger. For the ledger a lease counts as reserved in full: what it still has to give
 * plus what its attempts hold. An attempt held from a lease settles with the hold it took, which
 * leaves the lease as its spending is counted, so a lease never lets a tenant spend past what was
 * free when it was granted. The unused part comes back when the dispatcher is idle or when the
 * ledger recalls it.
 *
 * <p>{@code L} names a lessee (the ledger uses the dispatcher's actor). Not thread-safe: it belongs
 * to its ledger's {@link LedgerBook}, and lives in memory only, like holds.
 *
 * @param <L> what names a lessee
 */
final class LedgerLeases<L> {
  /** What a lessee's lease still counts for, and whether it may have some of it unused. */
  private static final class Lease {
    Spend outstanding = Spend.NONE;
    boolean recallable;
  }

  private final Map<L, Lease> leases = new HashMap<>();
  private final Set<L> recalling = new HashSet<>();

  /** All leases together: what counts as reserved for them. */
  Spend total() {
    Spend total = Spend.NONE;
    for (Lease lease : leases.values()) {
      total = total.plus(lease.outstanding);
    }
    return total;
  }

  boolean isEmpty() {
    return leases.isEmpty();
  }

  /** Grants {@code amount} more to {@code lessee}; true if it had no lease (to be watched). */
  boolean grant(L lessee, Spend amount) {
    Lease lease = leases.get(lessee);
    boolean fresh = lease == null;
    if (fresh) {
      lease = new Lease();
      leases.put(lessee, lease);
    }
    lease.outstanding = lease.outstanding.plus(amount);
    lease.recallable = true;
    return fresh;
  }

  /**
   * An attempt {@code lessee} held {@code held} for from its lease settled: that much leaves the
   * lease. True if the lessee has no lease any more (to be unwatched).
   */
  boolean settled(L lessee, Spend held) {
    return reduce(lessee, held, false);
  }

  /**
   * {@code lessee} gave back {@code amount}, the unused part of its lease, and answered a recall if
   * there was one. True if it has no lease any more (to be unwatched).
   */
  boolean givenBack(L lessee, Spend amount) {
    recalling.remove(lessee);
    return reduce(lessee, amount, true);
  }

  private boolean reduce(L lessee, Spend amount, boolean unused) {
    Lease lease = leases.get(lessee);
    if (lease == null) {
      // Granted by an earlier incarnation of the ledger, whose leases were lost with it.
      return false;
    }
    lease.outstanding = lease.outstanding.minus(amount).atLeastNone();
    if (unused) {
      lease.recallable = false;
    }
    if (lease.outstanding.none()) {
      leases.remove(lessee);
      recalling.remove(lessee);
      return true;
    }
    return false;
  }

  /** {@code lessee} stopped (or its node left): its lease ends, whatever its attempts held. */
  void gone(L lessee) {
    leases.remove(lessee);
    recalling.remove(lessee);
  }

  /**
   * Starts recalling every lease that may have an unused part, unless a recall is under way.
   * Returns the lessees to ask now; empty if there is nothing to recall or a recall is under way.
   */
  List<L> recall() {
    if (!recalling.isEmpty()) {
      return List.of();
    }
    List<L> asked = new ArrayList<>();
    leases.forEach(
        (lessee, lease) -> {
          if (lease.recallable) {
            asked.add(lessee);
          }
        });
    recalling.addAll(asked);
    return asked;
  }

  /** Whether a recall waits for answers. */
  boolean recalling() {
    return !recalling.isEmpty();
  }

  /**
   * The recall's time ran out: it waits for no more answers, and the leases that did not answer are
   * not recalled again (their dispatcher may be gone), so later reservations do not wait for them.
   */
  void recallLapsed() {
    for (L silent : recalling) {
      Lease lease = leases.get(silent);
      if (lease != null) {
        lease.recallable = false;
      }
    }
    recalling.clear();
  }
}
