package dev.lattice.orchestrator.tenant;

import dev.lattice.orchestrator.policy.LedgerSettings;
import dev.lattice.orchestrator.policy.PolicySettings;
import dev.lattice.orchestrator.policy.TenantBudget;
import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.BudgetFigures;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.api.TenantUsage;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.journal.GroupCommit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
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
 * <p>Holds are not persisted: after a restart of the ledger (its node failed, or it moved),
 * attempts still running hold nothing until they settle (their usage is then counted in full). So
 * that idle passivation never drops holds, a ledger passivates itself, and only once it holds
 * nothing. Spending counts as soon as it is settled and is recorded shortly after, settlements
 * close together in one event (a group commit): dispatchers do not wait for it, and a crash can
 * lose at most the last record delay's spending, never a period's total.
 *
 * <p>Dispatchers may also take budget ahead, as a lease, and hold their attempts' estimates from it
 * without a round trip to the ledger; the decisions are its {@link LedgerBook}'s. Leases, like
 * holds, live in memory: a dispatcher that stops loses its lease (the ledger watches it), and a
 * ledger that restarts forgets the leases it granted (the dispatchers watch it).
 */
public final class TenantLedger
    extends EventSourcedBehaviorWithEnforcedReplies<
        TenantLedger.Command, TenantLedger.Event, LedgerState> {

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

  /** Grant {@code amount} of the budget ahead to the dispatcher {@code lessee}, if it is free. */
  public record AskLease(Spend amount, ActorRef<LeaseNews> lessee) implements Command {}

  /**
   * The attempt {@code key} finished having spent {@code spent}; it held {@code held} from the
   * lease of {@code lessee}, which that much leaves.
   */
  public record SettleLeased(String key, Spend spent, Spend held, ActorRef<LeaseNews> lessee)
      implements Command {}

  /** {@code lessee} gives back {@code amount}, the unused part of its lease. */
  public record GiveBack(Spend amount, ActorRef<LeaseNews> lessee) implements Command {}

  /** What a ledger tells a dispatcher about its lease. */
  public sealed interface LeaseNews extends CborSerializable {}

  /** {@code ledger} granted {@code amount} more ahead, or nothing: the budget cannot spare it. */
  public record Leased(Spend amount, ActorRef<Command> ledger) implements LeaseNews {}

  /** {@code ledger} needs the unused part of the lease back (its tenant nears its limit). */
  public record Recall(ActorRef<Command> ledger) implements LeaseNews {}

  /** A lessee stopped, or its node left: its lease ends. */
  record LesseeGone(ActorRef<LeaseNews> lessee) implements Command {}

  /** A recall's answers are waited for no longer. */
  enum RecallLapsed implements Command {
    INSTANCE
  }

  /** Answer with the tenant's usage in the current period. */
  public record GetUsage(ActorRef<TenantUsage> replyTo) implements Command {}

  /** Record the settlements collected since the last record. */
  enum Flush implements Command {
    INSTANCE
  }

  /** Leave memory if idle and holding nothing (checked every passivate-after-idle). */
  enum IdleCheck implements Command {
    INSTANCE
  }

  /** Record what waits to be recorded, then stop (the ledger is moving or its node leaving). */
  enum Stop implements Command {
    INSTANCE
  }

  /** Events of a ledger. */
  public sealed interface Event extends CborSerializable {}

  /** An attempt's spending, counted in the period that began at {@code periodStart}. */
  public record Spent(String key, Spend spent, Instant periodStart, Instant at) implements Event {}

  /** Attempts' spending recorded together, in the order they settled. */
  public record SpentTogether(List<Spent> attempts) implements Event {
    public SpentTogether {
      attempts = List.copyOf(attempts);
    }
  }

  /** Starts sharding of ledgers (on orchestrator nodes; a proxy elsewhere). */
  public static void init(ActorSystem<?> system, PolicySettings policy, Clock clock, String role) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_TYPE_KEY,
                    entity ->
                        create(
                            entity.getEntityId(),
                            policy.tenantBudget(TenantId.of(entity.getEntityId())).orElse(null),
                            policy.ledger(),
                            clock,
                            entity.getShard()))
                .withRole(role)
                .withStopMessage(Stop.INSTANCE)
                // Sharding's idle passivation would drop the holds of attempts still running;
                // a ledger passivates itself once it holds nothing (IdleCheck).
                .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  /**
   * The ledger of {@code tenant}, limited by {@code budget} (none if null), asking {@code shard} to
   * passivate it once it is idle and holds nothing.
   */
  public static Behavior<Command> create(
      String tenant,
      TenantBudget budget,
      LedgerSettings settings,
      Clock clock,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(
                      IdleCheck.INSTANCE, settings.passivateAfterIdle());
                  return new TenantLedger(tenant, budget, settings, timers, clock, shard, context);
                }));
  }

  private final String tenant;
  private final LedgerSettings settings;
  private final TimerScheduler<Command> timers;
  private final Clock clock;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final ActorContext<Command> context;
  private final LedgerBook<ActorRef<LeaseNews>, Reserve> book;
  private Instant lastHeard;
  // Settled, counted, and waiting to be recorded.
  private final GroupCommit<Spent, Command> unrecorded;

  private TenantLedger(
      String tenant,
      TenantBudget budget,
      LedgerSettings settings,
      TimerScheduler<Command> timers,
      Clock clock,
      ActorRef<ClusterSharding.ShardCommand> shard,
      ActorContext<Command> context) {
    super(
        PersistenceId.of(ENTITY_TYPE_KEY.name(), tenant),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.tenant = tenant;
    this.book = new LedgerBook<>(tenant, budget);
    this.settings = settings;
    this.timers = timers;
    this.unrecorded =
        new GroupCommit<>(timers, Flush.INSTANCE, settings.recordDelay(), settings.recordBatch());
    this.clock = clock;
    this.shard = shard;
    this.context = context;
    this.lastHeard = clock.instant();
  }

  @Override
  public LedgerState emptyState() {
    return LedgerState.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, LedgerState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Reserve.class, (state, reserve) -> onReserve(state, heard(reserve)))
        .onCommand(Settle.class, (state, settle) -> onSettle(heard(settle)))
        .onCommand(AskLease.class, (state, ask) -> onAskLease(state, heard(ask)))
        .onCommand(SettleLeased.class, (state, settle) -> onSettleLeased(heard(settle)))
        .onCommand(GiveBack.class, (state, giveBack) -> onGiveBack(state, heard(giveBack)))
        .onCommand(LesseeGone.class, (state, gone) -> onLesseeGone(state, gone))
        .onCommand(RecallLapsed.class, (state, lapsed) -> onRecallLapsed(state))
        .onCommand(
            GetUsage.class, (state, get) -> Effect().reply(heard(get).replyTo(), usage(state)))
        .onCommand(IdleCheck.class, (state, check) -> onIdleCheck())
        .onCommand(Flush.class, (state, flush) -> onFlush())
        .onCommand(Stop.class, (state, stop) -> onStop())
        .build();
  }

  private ReplyEffect<Event, LedgerState> onReserve(LedgerState state, Reserve reserve) {
    Instant start = book.periodStart(clock.instant());
    LedgerBook.Decision<ActorRef<LeaseNews>> decision =
        book.reserve(reserve, reserve.key(), reserve.hold(), start, used(state, start));
    if (decision.parked()) {
      recall(decision.recall(), reserve.hold());
      return Effect().noReply();
    }
    return Effect().reply(reserve.replyTo(), reservation(reserve, decision));
  }

  /** Asks {@code lessees} for their leases' unused part, for a reservation of {@code hold}. */
  private void recall(List<ActorRef<LeaseNews>> lessees, Spend hold) {
    if (lessees.isEmpty()) {
      return;
    }
    context
        .getLog()
        .debug("tenant {}: recalling {} leases for a hold of {}", tenant, lessees.size(), hold);
    lessees.forEach(lessee -> lessee.tell(new Recall(context.getSelf())));
    timers.startSingleTimer(RecallLapsed.INSTANCE, settings.lease().recallTimeout());
  }

  private static Reservation reservation(
      Reserve reserve, LedgerBook.Decision<ActorRef<LeaseNews>> decision) {
    return new Reservation(reserve.key(), reserve.hold(), decision.refusal());
  }

  /** The recall is over: the reservations that waited for it are decided, in order. */
  private ReplyEffect<Event, LedgerState> decideParked(LedgerState state) {
    timers.cancel(RecallLapsed.INSTANCE);
    Instant start = book.periodStart(clock.instant());
    Spend used = used(state, start);
    for (Reserve reserve : book.takeParked()) {
      reserve
          .replyTo()
          .tell(
              reservation(reserve, book.decideParked(reserve.key(), reserve.hold(), start, used)));
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, LedgerState> onAskLease(LedgerState state, AskLease ask) {
    Instant start = book.periodStart(clock.instant());
    if (!book.mayLease(ask.amount(), start, used(state, start))) {
      return Effect().reply(ask.lessee(), new Leased(Spend.NONE, context.getSelf()));
    }
    if (book.lease(ask.lessee(), ask.amount())) {
      context.watchWith(ask.lessee(), new LesseeGone(ask.lessee()));
    }
    return Effect().reply(ask.lessee(), new Leased(ask.amount(), context.getSelf()));
  }

  private ReplyEffect<Event, LedgerState> onSettleLeased(SettleLeased settle) {
    if (book.settledLeased(settle.lessee(), settle.held())) {
      context.unwatch(settle.lessee());
    }
    return onSettle(new Settle(settle.key(), settle.spent()));
  }

  private ReplyEffect<Event, LedgerState> onGiveBack(LedgerState state, GiveBack giveBack) {
    if (book.givenBack(giveBack.lessee(), giveBack.amount())) {
      context.unwatch(giveBack.lessee());
    }
    return decideParkedOnceRecalled(state);
  }

  private ReplyEffect<Event, LedgerState> onLesseeGone(LedgerState state, LesseeGone gone) {
    book.lesseeGone(gone.lessee());
    return decideParkedOnceRecalled(state);
  }

  /** Decides the parked reservations if the recall they wait for has all its answers. */
  private ReplyEffect<Event, LedgerState> decideParkedOnceRecalled(LedgerState state) {
    return book.parkedDecidable() ? decideParked(state) : Effect().noReply();
  }

  private ReplyEffect<Event, LedgerState> onRecallLapsed(LedgerState state) {
    book.recallLapsed();
    return decideParked(state);
  }

  private ReplyEffect<Event, LedgerState> onSettle(Settle settle) {
    book.settled(settle.key());
    if (settle.spent().none()) {
      return Effect().noReply();
    }
    Instant now = clock.instant();
    unrecorded.add(new Spent(settle.key(), settle.spent(), book.periodStart(now), now));
    return unrecorded.due() ? onFlush() : Effect().noReply();
  }

  /** Notes when the ledger last heard from a dispatcher or client; returns {@code command}. */
  private <T extends Command> T heard(T command) {
    lastHeard = clock.instant();
    return command;
  }

  private ReplyEffect<Event, LedgerState> onIdleCheck() {
    boolean idle = !clock.instant().isBefore(lastHeard.plus(settings.passivateAfterIdle()));
    if (idle && book.holdsNothing()) {
      // The shard answers with Stop, which records what still waits to be recorded.
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, LedgerState> onStop() {
    List<Spent> spent = unrecorded.take();
    return spent.isEmpty()
        ? Effect().stop().thenNoReply()
        : Effect().persist(new SpentTogether(spent)).thenStop().thenNoReply();
  }

  private ReplyEffect<Event, LedgerState> onFlush() {
    List<Spent> spent = unrecorded.take();
    return spent.isEmpty()
        ? Effect().noReply()
        : Effect().persist(new SpentTogether(spent)).thenNoReply();
  }

  private TenantUsage usage(LedgerState state) {
    Instant start = book.periodStart(clock.instant());
    return book.usage(start, used(state, start));
  }

  /** What the tenant spent in the period that began at {@code start}. */
  private Spend used(LedgerState state, Instant start) {
    // The state already holds what is being written (an event is applied before its write ends,
    // and commands wait meanwhile): only what waits for the next record is added.
    return state.plusAll(unrecorded.gathered()).usedIn(start);
  }

  @Override
  public EventHandler<LedgerState, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        // Ledgers once recorded one event per attempt; such journals still replay.
        .onEvent(Spent.class, LedgerState::plus)
        .onEvent(SpentTogether.class, LedgerState::plus)
        .build();
  }
}
