package dev.lattice.orchestrator.policy;

import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.BudgetFigures;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.ids.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * One tenant's budget for the current period: what its finished attempts spent (durable) and what
 * its running attempts hold (in memory). Dispatchers reserve an attempt's hold before they dispatch
 * it and settle it with its usage when it finishes; a reservation that would take the tenant past
 * its limit is refused. Only tenants with a configured budget have a ledger.
 *
 * <p>Holds are not persisted: after a restart of the ledger, attempts still running hold nothing
 * until they settle (their usage is then counted in full). Spending is persisted, one event per
 * finished attempt, before the settlement is acknowledged to nobody — dispatchers do not wait for
 * it — so a crash can lose at most the last few attempts' spending, never a period's total.
 */
public final class TenantLedger
    extends EventSourcedBehaviorWithEnforcedReplies<
        TenantLedger.Command, TenantLedger.Spent, TenantLedger.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "TenantLedger");

  /** Messages of a ledger. */
  public sealed interface Command extends CborSerializable {}

  /** Hold {@code hold} for the attempt {@code key}, if the tenant's budget allows it. */
  public record Reserve(String key, Spend hold, ActorRef<Reservation> replyTo) implements Command {}

  /** The answer to a {@link Reserve}: granted, or refused with the figures. */
  public record Reservation(String key, Spend hold, BudgetFigures refusal)
      implements CborSerializable {
    public boolean granted() {
      return refusal == null;
    }
  }

  /** The attempt {@code key} finished having spent {@code spent}; its hold is released. */
  public record Settle(String key, Spend spent) implements Command {}

  /** Answer with the tenant's usage in the current period. */
  public record GetUsage(ActorRef<TenantUsage> replyTo) implements Command {}

  /** An attempt's spending, counted in the period that began at {@code periodStart}. */
  public record Spent(String key, Spend spent, Instant periodStart, Instant at)
      implements CborSerializable {}

  /** The period's spending so far. */
  public record State(Instant periodStart, Spend used) implements CborSerializable {
    static final State EMPTY = new State(Instant.EPOCH, Spend.NONE);

    /** The spending as of a time in the period that began at {@code start}. */
    Spend usedIn(Instant start) {
      return start.equals(periodStart) ? used : Spend.NONE;
    }
  }

  /** Starts sharding of ledgers (on orchestrator nodes; a proxy elsewhere). */
  public static void init(ActorSystem<?> system, PolicySettings policy, Clock clock, String role) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_TYPE_KEY,
                    entity ->
                        Behaviors.setup(
                            context ->
                                new TenantLedger(
                                    entity.getEntityId(),
                                    policy
                                        .tenantBudget(TenantId.of(entity.getEntityId()))
                                        .orElse(null),
                                    policy.ledgerSnapshotEvery(),
                                    clock)))
                .withRole(role));
  }

  private final String tenant;
  private final TenantBudget budget;
  private final int snapshotEvery;
  private final Clock clock;
  private final Map<String, Spend> holds = new HashMap<>();

  private TenantLedger(String tenant, TenantBudget budget, int snapshotEvery, Clock clock) {
    super(
        PersistenceId.of(ENTITY_TYPE_KEY.name(), tenant),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.tenant = tenant;
    this.budget = budget;
    this.snapshotEvery = snapshotEvery;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Spent, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Reserve.class, this::onReserve)
        .onCommand(Settle.class, this::onSettle)
        .onCommand(GetUsage.class, (state, get) -> Effect().reply(get.replyTo(), usage(state)))
        .build();
  }

  private ReplyEffect<Spent, State> onReserve(State state, Reserve reserve) {
    TenantUsage usage = usage(state);
    // A repeated reservation (a re-sent assignment) replaces its earlier hold.
    Spend others = usage.reserved().minus(holds.getOrDefault(reserve.key(), Spend.NONE));
    BudgetFigures figures =
        new TenantUsage(tenant, usage.periodStart(), usage.used(), others, usage.limit())
            .figures(reserve.hold());
    if (budget != null && figures.exceeded()) {
      holds.remove(reserve.key());
      return Effect()
          .reply(reserve.replyTo(), new Reservation(reserve.key(), reserve.hold(), figures));
    }
    holds.put(reserve.key(), reserve.hold());
    return Effect().reply(reserve.replyTo(), new Reservation(reserve.key(), reserve.hold(), null));
  }

  private ReplyEffect<Spent, State> onSettle(State state, Settle settle) {
    holds.remove(settle.key());
    if (settle.spent().tokens() == 0 && settle.spent().costUsd().signum() == 0) {
      return Effect().noReply();
    }
    Instant now = clock.instant();
    return Effect()
        .persist(new Spent(settle.key(), settle.spent(), periodStart(now), now))
        .thenNoReply();
  }

  private TenantUsage usage(State state) {
    Instant start = periodStart(clock.instant());
    Spend reserved = holds.values().stream().reduce(Spend.NONE, Spend::plus);
    return new TenantUsage(
        tenant,
        start,
        state.usedIn(start),
        reserved,
        budget == null ? dev.lattice.protocol.plan.Budget.UNLIMITED : budget.limit());
  }

  private Instant periodStart(Instant now) {
    return budget == null ? Instant.EPOCH : budget.periodStart(now);
  }

  @Override
  public EventHandler<State, Spent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            Spent.class,
            (state, spent) ->
                new State(
                    spent.periodStart(), state.usedIn(spent.periodStart()).plus(spent.spent())))
        .build();
  }
}
