package dev.lattice.orchestrator.tenant;

import dev.lattice.orchestrator.policy.TenantBudget;
import dev.lattice.protocol.agent.BudgetFigures;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.api.TenantUsage;
import dev.lattice.protocol.plan.Budget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bookkeeping of a tenant's ledger, apart from its messages, persistence and timers: what
 * running attempts hold, the leases granted to dispatchers ({@link LedgerLeases}), the reservations
 * waiting for a recall, and the decisions to grant or refuse a hold or a lease. What the tenant
 * spent is the ledger's (it is persisted): each decision is given the period's spending.
 *
 * <p>A reservation that would be refused while leases may have an unused part is parked instead,
 * and the leases that may are recalled; reservations that come while a recall is under way are
 * parked behind it, so none overtakes another. Once every recalled lease answered (or the recall
 * lapsed), the parked reservations are decided in the order they came, without a second recall.
 *
 * <p>Not thread-safe: it belongs to its ledger's actor, and lives in memory only.
 *
 * @param <L> what names a lessee (the ledger uses the dispatcher's actor)
 * @param <R> a parked reservation (the ledger keeps the request, so that it can answer it)
 */
final class LedgerBook<L, R> {
  /**
   * What becomes of a reservation: granted; refused, with the figures; or parked until a recall is
   * answered, with the lessees to recall now (none if a recall was already under way).
   */
  record Decision<L>(BudgetFigures refusal, boolean parked, List<L> recall) {
    private static final Decision<Object> GRANTED = new Decision<>(null, false, List.of());
    private static final Decision<Object> BEHIND_RECALL = new Decision<>(null, true, List.of());

    @SuppressWarnings("unchecked")
    static <L> Decision<L> grant() {
      return (Decision<L>) GRANTED;
    }

    @SuppressWarnings("unchecked")
    static <L> Decision<L> parkBehindRecall() {
      return (Decision<L>) BEHIND_RECALL;
    }

    boolean granted() {
      return refusal == null && !parked;
    }
  }

  private final String tenant;
  // Null for a tenant without a budget: nothing is refused, nothing is leased.
  private final TenantBudget budget;
  private final Map<String, Spend> holds = new HashMap<>();
  private final LedgerLeases<L> leases = new LedgerLeases<>();
  private final List<R> parked = new ArrayList<>();

  LedgerBook(String tenant, TenantBudget budget) {
    this.tenant = tenant;
    this.budget = budget;
  }

  /** When the budget period holding {@code now} began; the epoch for a tenant without a budget. */
  Instant periodStart(Instant now) {
    return budget == null ? Instant.EPOCH : budget.periodStart(now);
  }

  /** The tenant's usage, having spent {@code used} in the period that began at {@code start}. */
  TenantUsage usage(Instant start, Spend used) {
    return new TenantUsage(tenant, start, used, reserved(), limit());
  }

  /**
   * Decides whether the attempt {@code key} may hold {@code hold}, the tenant having spent {@code
   * used} in the period that began at {@code start}; {@code request} is kept if it is parked.
   */
  Decision<L> reserve(R request, String key, Spend hold, Instant start, Spend used) {
    if (leases.recalling() || !parked.isEmpty()) {
      parked.add(request);
      return Decision.parkBehindRecall();
    }
    return decide(request, key, hold, start, used, true);
  }

  /**
   * Grants or refuses a hold; parks {@code request} instead only with {@code mayRecall}, if it
   * would be refused while leases may have an unused part.
   */
  private Decision<L> decide(
      R request, String key, Spend hold, Instant start, Spend used, boolean mayRecall) {
    // A repeated reservation (a re-sent assignment) replaces its earlier hold.
    Spend others = reserved().minus(holds.getOrDefault(key, Spend.NONE));
    BudgetFigures figures = new TenantUsage(tenant, start, used, others, limit()).figures(hold);
    if (budget != null && figures.exceeded()) {
      List<L> recall = mayRecall ? leases.recall() : List.of();
      if (!recall.isEmpty()) {
        parked.add(request);
        return new Decision<>(null, true, recall);
      }
      holds.remove(key);
      return new Decision<>(figures, false, List.of());
    }
    holds.put(key, hold);
    return Decision.grant();
  }

  /** Whether reservations are parked and the recall they wait for is over. */
  boolean parkedDecidable() {
    return !leases.recalling() && !parked.isEmpty();
  }

  /**
   * The parked reservations, in the order they came; they are parked no more, and each is to be
   * decided with {@link #decideParked}.
   */
  List<R> takeParked() {
    List<R> taken = List.copyOf(parked);
    parked.clear();
    return taken;
  }

  /** Grants or refuses a reservation that was parked: it never waits for a second recall. */
  Decision<L> decideParked(String key, Spend hold, Instant start, Spend used) {
    return decide(null, key, hold, start, used, false);
  }

  /**
   * Whether {@code amount} may be leased: only while as much again stays free for other
   * dispatchers, and never while a recall is under way or reservations wait for one.
   */
  boolean mayLease(Spend amount, Instant start, Spend used) {
    return budget != null
        && !leases.recalling()
        && parked.isEmpty()
        && !usage(start, used).figures(amount.times(2)).exceeded();
  }

  /** Leases {@code amount} more to {@code lessee}; true if it had no lease (to be watched). */
  boolean lease(L lessee, Spend amount) {
    return leases.grant(lessee, amount);
  }

  /** The attempt {@code key} settled: its hold is released. */
  void settled(String key) {
    holds.remove(key);
  }

  /**
   * An attempt that held {@code held} from the lease of {@code lessee} settled (it is to be settled
   * as well). True if the lessee has no lease any more (to be unwatched).
   */
  boolean settledLeased(L lessee, Spend held) {
    return leases.settled(lessee, held);
  }

  /** See {@link LedgerLeases#givenBack}. */
  boolean givenBack(L lessee, Spend amount) {
    return leases.givenBack(lessee, amount);
  }

  /** {@code lessee} stopped (or its node left): its lease ends. */
  void lesseeGone(L lessee) {
    leases.gone(lessee);
  }

  /** See {@link LedgerLeases#recallLapsed}. */
  void recallLapsed() {
    leases.recallLapsed();
  }

  /** Whether nothing is held nor leased, so that the ledger may leave memory. */
  boolean holdsNothing() {
    return holds.isEmpty() && leases.isEmpty();
  }

  /** What holds and leases reserve together. */
  private Spend reserved() {
    Spend reserved = leases.total();
    for (Spend hold : holds.values()) {
      reserved = reserved.plus(hold);
    }
    return reserved;
  }

  private Budget limit() {
    return budget == null ? Budget.UNLIMITED : budget.limit();
  }
}
