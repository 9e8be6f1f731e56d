package dev.lattice.orchestrator.dispatch;

import dev.lattice.orchestrator.directory.AgentEntry;
import dev.lattice.orchestrator.dispatch.DispatchLog.Route;
import dev.lattice.orchestrator.logging.LogContext;
import dev.lattice.orchestrator.ratelimit.ProviderLimiter;
import dev.lattice.orchestrator.tenant.TenantLedger;
import dev.lattice.persistence.metrics.NodeMeters;
import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.AgentReply;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.api.QueueView;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.ids.BusKey;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The executor-dispatcher of one bus key ({@code service/role/shard/tenant}): a queue of
 * assignments, routed to worker agents that serve the key's capability and have spare capacity
 * (least loaded first), and kept in order while none has.
 *
 * <p>Lifecycle of an assignment: a run enqueues it → accepted → routed to an agent at once, or
 * queued → the agent accepts (the run hears it started) or rejects (back to the queue) → the
 * agent's result goes straight on to the run, and the assignment is finished. Every decision is
 * recorded by the dispatcher's {@link DispatchLog}, which also gives the queue back after a
 * restart; routing itself never waits for a write.
 *
 * <p>Invariants: an idempotency key is accepted once; an agent never holds more of this
 * dispatcher's work than its capacity; a routed assignment is re-sent to the same agent after a
 * restart, so the agent can answer from its record instead of running it again; an attempt whose
 * agent leaves while running it ends as a {@code worker_lost} failure, which the run retries.
 *
 * <p>The actor holds the table of its messages and what needs an actor (timers, watches, logging).
 * The decisions are plain classes beside it: {@link Admissions} for what a run enqueues, {@link
 * AgentReplies} and {@link AgentChanges} for what agents say and do, {@link AttemptEndings} for how
 * an attempt ends, {@link RatePermits} for room under model providers' rate limits (an llm attempt
 * stays queued until its provider model's limiter grants it); {@link QueueRouter} carries the
 * {@link Decisions} out. It starts in {@link DispatcherRecovery}.
 */
public final class Dispatcher extends AbstractBehavior<Dispatcher.Command> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "Dispatcher");

  /** Starts sharding of dispatchers; they are remembered, so their queues resume after a crash. */
  public static void init(ActorSystem<?> system, DispatchServices services, String role) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_TYPE_KEY, entity -> create(BusKey.parse(entity.getEntityId()), services))
                .withRole(role)
                .withStopMessage(Stop.INSTANCE)
                .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  /** Messages of a dispatcher. */
  public sealed interface Command extends CborSerializable {}

  /** Queue {@code assignment}; a repeated idempotency key is ignored. */
  public record Enqueue(Assignment assignment) implements Command {}

  /**
   * Take back the assignment with this key, best-effort: dropped if queued, cancelled on its agent
   * if routed (the agent answers {@code cancelled}, which finishes it here).
   */
  public record Withdraw(String idempotencyKey) implements Command {}

  /** Answer with the queue's depth. */
  public record GetQueue(ActorRef<QueueView> replyTo) implements Command {}

  record AgentsChanged(List<AgentEntry> agents) implements Command {}

  // Each kind of agent reply is wrapped on its own, so that it reaches its own handler.
  record AgentAccepted(AgentReply.Accepted reply) implements Command {}

  record AgentAlive(AgentReply.Alive reply) implements Command {}

  record AgentFinished(AgentReply.Finished reply) implements Command {}

  record AgentRejected(AgentReply.Rejected reply) implements Command {}

  record AgentVacancy(AgentReply.Vacancy reply) implements Command {}

  record LogRecovered(DispatcherState state) implements Command {}

  record Reserved(TenantLedger.Reservation reservation) implements Command {}

  record FromLedger(TenantLedger.LeaseNews news) implements Command {}

  record LedgerGone(ActorRef<TenantLedger.Command> ledger) implements Command {}

  record FromLimiter(ProviderLimiter.Answer answer) implements Command {}

  enum LeaseIdle implements Command {
    INSTANCE
  }

  enum Probe implements Command {
    INSTANCE
  }

  enum Stop implements Command {
    INSTANCE
  }

  private final BusKey busKey;
  private final TimerScheduler<Command> timers;
  private final DispatchSettings settings;
  private final Clock clock;
  private final ActorRef<AgentReply> agentReplies;
  // Tool loops' turns and calls enqueued before the agents were first listed, by key, in order.
  private final Map<String, Assignment> untilAgentsKnown = new LinkedHashMap<>();
  private final AgentPool pool;
  private final QueueMetrics metrics;
  private final TenantHolds holds;
  private final RatePermits permits;
  private final AttemptEndings endings;
  private final Admissions admissions;
  private final AgentReplies replies;
  private final QueueRouter router;
  private final AgentChanges agentChanges;

  /** Serves the queue that {@code log} recovered as {@code recovered}. */
  Dispatcher(
      ActorContext<Command> context,
      BusKey busKey,
      TimerScheduler<Command> timers,
      DispatchServices services,
      ActorRef<DispatchLog.Command> log,
      DispatcherState recovered) {
    super(context);
    this.busKey = busKey;
    this.timers = timers;
    this.settings = services.settings();
    RunNotifier runs = services.runs();
    DispatchPolicy policy = services.policy();
    DispatchMeters meters = new DispatchMeters(NodeMeters.get(context.getSystem()), busKey);
    DispatchAudit audit = new DispatchAudit(busKey, meters);
    this.clock = services.clock();
    this.pool = new AgentPool(busKey.role(), services.localNode());
    this.metrics =
        new QueueMetrics(settings.waitWindow(), clock.instant(), meters, settings.finishedMemory());
    this.agentReplies = agentReplies(context);
    this.holds =
        new TenantHolds(
            policy,
            services.ledgers(),
            busKey.tenant(),
            context.messageAdapter(TenantLedger.Reservation.class, Reserved::new),
            context.messageAdapter(TenantLedger.LeaseNews.class, FromLedger::new));
    this.permits =
        new RatePermits(
            services.rateLimits(),
            context.messageAdapter(ProviderLimiter.Answer.class, FromLimiter::new),
            meters);
    this.endings =
        new AttemptEndings(
            runs, metrics, holds, permits, audit, new FinishedResults(settings.finishedMemory()));
    StepGuard guard =
        new StepGuard(
            services.guardrails(),
            pool,
            capability ->
                services.rateLimits().targets() != null
                    && services.rateLimits().targets().covers(capability));
    this.admissions = new Admissions(policy, holds, endings, audit, guard);
    this.replies =
        new AgentReplies(
            pool,
            runs,
            metrics,
            policy,
            audit,
            endings,
            guard,
            settings.probeInterval(),
            services.runLogs());
    this.router = new QueueRouter(recovered, pool, permits, audit, log, agentReplies, clock);
    this.agentChanges = new AgentChanges(pool, router, endings, runs, busKey);
    // Named outright: found from the call stack, the logger's name was at times Pekko's own.
    context.setLoggerName(Dispatcher.class);
  }

  /**
   * The reference agents answer to. Every kind of {@link AgentReply} has its own adapter; they all
   * share one reference, which is why widening it to every reply is safe.
   */
  private static ActorRef<AgentReply> agentReplies(ActorContext<Command> context) {
    context.messageAdapter(AgentReply.Vacancy.class, AgentVacancy::new);
    context.messageAdapter(AgentReply.Accepted.class, AgentAccepted::new);
    context.messageAdapter(AgentReply.Alive.class, AgentAlive::new);
    context.messageAdapter(AgentReply.Rejected.class, AgentRejected::new);
    return context
        .messageAdapter(AgentReply.Finished.class, AgentFinished::new)
        .<AgentReply>unsafeUpcast();
  }

  /**
   * The dispatcher of {@code busKey}: waits for its log to recover the queue (holding messages
   * meanwhile), then serves.
   */
  public static Behavior<Command> create(BusKey busKey, DispatchServices services) {
    // Every line logged while the dispatcher handles a message names it and its tenant.
    return Behaviors.withMdc(
        Command.class,
        Map.of(LogContext.BUS_KEY, busKey.value(), LogContext.TENANT, busKey.tenant().value()),
        DispatcherRecovery.create(busKey, services));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Enqueue.class, this::onEnqueue)
        .onMessage(Withdraw.class, this::onWithdraw)
        .onMessage(Reserved.class, this::onReserved)
        .onMessage(FromLedger.class, this::onFromLedger)
        .onMessage(LedgerGone.class, this::onLedgerGone)
        .onMessage(FromLimiter.class, this::onFromLimiter)
        .onMessageEquals(LeaseIdle.INSTANCE, this::onLeaseIdle)
        .onMessage(AgentAccepted.class, this::onAgentAccepted)
        .onMessage(AgentAlive.class, this::onAgentAlive)
        .onMessage(AgentFinished.class, this::onAgentFinished)
        .onMessage(AgentRejected.class, this::onAgentRejected)
        .onMessage(AgentVacancy.class, this::onAgentVacancy)
        .onMessage(AgentsChanged.class, this::onAgentsChanged)
        .onMessageEquals(Probe.INSTANCE, this::onProbe)
        .onMessage(GetQueue.class, this::onGetQueue)
        // Only the first recovery matters: later ones (the log restarted after a failed write)
        // know less than this dispatcher already does.
        .onMessage(LogRecovered.class, recovered -> this)
        .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
        .build();
  }

  private Behavior<Command> onEnqueue(Enqueue enqueue) {
    Assignment assignment = enqueue.assignment();
    Decisions confirmed = agentChanges.confirmed(assignment.idempotencyKey());
    if (confirmed != null) {
      decide(confirmed);
      return this;
    }
    if (assignment.part() != null && !router.agentsKnown()) {
      // A tool loop's turn or call is checked against the tools the agents describe: it waits
      // for the directory's first listing (moments after this dispatcher started).
      untilAgentsKnown.putIfAbsent(assignment.idempotencyKey(), assignment);
      return this;
    }
    decideIfAny(admissions.enqueue(assignment, router.state(), clock.instant()));
    return this;
  }

  private Behavior<Command> onReserved(Reserved reserved) {
    decideIfAny(admissions.reserved(reserved.reservation(), router.state(), clock.instant()));
    return this;
  }

  private Behavior<Command> onFromLedger(FromLedger from) {
    if (from.news() instanceof TenantLedger.Leased leased) {
      holds
          .leased(leased, clock.instant())
          .ifPresent(ledger -> getContext().watchWith(ledger, new LedgerGone(ledger)));
      if (holds.leaseUnused() && !timers.isTimerActive(LeaseIdle.INSTANCE)) {
        timers.startTimerWithFixedDelay(LeaseIdle.INSTANCE, holds.idleCheck());
      }
    } else if (from.news() instanceof TenantLedger.Recall recall) {
      holds.recalled(recall.ledger(), clock.instant());
    }
    return this;
  }

  private Behavior<Command> onLedgerGone(LedgerGone gone) {
    holds.ledgerGone(gone.ledger());
    return this;
  }

  private Behavior<Command> onFromLimiter(FromLimiter from) {
    if (permits.answered(from.answer(), clock.instant())) {
      decide(Decisions.NONE);
    }
    return this;
  }

  private Behavior<Command> onLeaseIdle() {
    if (!holds.idle()) {
      timers.cancel(LeaseIdle.INSTANCE);
    }
    return this;
  }

  private Behavior<Command> onWithdraw(Withdraw withdraw) {
    Decisions declined = agentChanges.declined(withdraw.idempotencyKey(), clock.instant());
    if (declined != null) {
      decide(declined);
      return this;
    }
    holds.forget(withdraw.idempotencyKey());
    DispatcherState.Entry entry = router.state().entry(withdraw.idempotencyKey());
    if (entry == null) {
      return this;
    }
    if (entry.agentId() == null) {
      AuditEntry withdrawn = endings.withdrawn(entry, clock.instant());
      decide(Decisions.finish(entry.key()).noting(List.of(withdrawn)));
    } else {
      pool.ref(entry.agentId()).ifPresent(ref -> ref.tell(new AgentCommand.Cancel(entry.key())));
    }
    return this;
  }

  private Behavior<Command> onAgentAccepted(AgentAccepted message) {
    replies.accepted(message.reply(), router.state(), clock.instant());
    return this;
  }

  private Behavior<Command> onAgentAlive(AgentAlive message) {
    replies.alive(message.reply(), router.state());
    return this;
  }

  private Behavior<Command> onAgentFinished(AgentFinished message) {
    decideIfAny(replies.finished(message.reply(), router.state(), clock.instant()));
    return this;
  }

  private Behavior<Command> onAgentRejected(AgentRejected message) {
    AgentReply.Rejected rejected = message.reply();
    getContext()
        .getLog()
        .debug(
            "{} rejected {}: {}", rejected.agentId(), rejected.idempotencyKey(), rejected.reason());
    Decisions requeue = replies.rejected(rejected, router.state(), clock.instant());
    if (requeue != null) {
      permits.requeued(rejected.idempotencyKey());
      timers.startSingleTimer(Probe.INSTANCE, settings.probeInterval());
      decide(requeue);
    }
    return this;
  }

  /**
   * A full agent that turned this dispatcher away holds a freed slot for it: take it with queued
   * work, or give it back so that the next in line gets it.
   */
  private Behavior<Command> onAgentVacancy(AgentVacancy message) {
    AgentReply.Vacancy vacancy = message.reply();
    pool.reported(vacancy.agentId(), vacancy.load());
    List<Route> routed = decide(Decisions.NONE);
    if (routed.stream().noneMatch(route -> vacancy.agentId().equals(route.agentId()))) {
      pool.ref(vacancy.agentId())
          .ifPresent(ref -> ref.tell(new AgentCommand.Release(agentReplies)));
    }
    return this;
  }

  private Behavior<Command> onAgentsChanged(AgentsChanged changed) {
    decide(agentChanges.agentsChanged(changed.agents(), getContext().getLog(), clock.instant()));
    if (!untilAgentsKnown.isEmpty()) {
      List<Assignment> waiting = List.copyOf(untilAgentsKnown.values());
      untilAgentsKnown.clear();
      waiting.forEach(assignment -> onEnqueue(new Enqueue(assignment)));
    }
    return this;
  }

  private Behavior<Command> onProbe() {
    if (router.state().queuedCount() > 0) {
      permits.sweep(clock.instant());
      // Loads agents reported may be stale (they finished other dispatchers' work since): try
      // them again; a still-busy agent says so and is marked full once more.
      pool.forgetReports();
      decide(Decisions.NONE);
    }
    return this;
  }

  private Behavior<Command> onGetQueue(GetQueue get) {
    get.replyTo()
        .tell(
            metrics.view(busKey, router.state(), permits.waiting(router.state()), clock.instant()));
    return this;
  }

  private void decideIfAny(Decisions decisions) {
    if (decisions != null) {
      decide(decisions);
    }
  }

  /**
   * Carries out {@code decisions}; a probe follows while work stays queued. Returns what it routed.
   */
  private List<Route> decide(Decisions decisions) {
    List<Route> routed = router.decide(decisions);
    if (router.state().queuedCount() > 0 && !timers.isTimerActive(Probe.INSTANCE)) {
      timers.startSingleTimer(Probe.INSTANCE, settings.probeInterval());
    }
    return routed;
  }
}
