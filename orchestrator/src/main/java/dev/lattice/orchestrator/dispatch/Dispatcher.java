package dev.lattice.orchestrator.dispatch;

import dev.lattice.orchestrator.directory.AgentDirectory;
import dev.lattice.orchestrator.directory.AgentEntry;
import dev.lattice.orchestrator.dispatch.DispatchLog.Accepted;
import dev.lattice.orchestrator.dispatch.DispatchLog.Batch;
import dev.lattice.orchestrator.dispatch.DispatchLog.Route;
import dev.lattice.orchestrator.tenant.TenantLedger;
import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.AgentReply;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.api.QueueView;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.AuditKind;
import dev.lattice.protocol.ids.BusKey;
import dev.lattice.protocol.time.SaturatingTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
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

  record FromAgent(AgentReply reply) implements Command {}

  record LogRecovered(DispatcherState state) implements Command {}

  record Reserved(TenantLedger.Reservation reservation) implements Command {}

  record FromLedger(TenantLedger.LeaseNews news) implements Command {}

  record LedgerGone(ActorRef<TenantLedger.Command> ledger) implements Command {}

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
  private final RunNotifier runs;
  private final DispatchPolicy policy;
  private final DispatchAudit audit;
  private final Clock clock;
  private final ActorRef<DispatchLog.Command> log;
  private final ActorRef<AgentReply> agentReplies;
  private final AgentPool pool;
  private final QueueMetrics metrics;
  private final TenantHolds holds;
  // Recently finished keys and what the run was told (null: nothing, the run took it back).
  private final LinkedHashMap<String, AssignmentResult> recentlyFinished = new LinkedHashMap<>();
  private DispatcherState state;
  private boolean agentsKnown;

  private Dispatcher(
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
    this.runs = services.runs();
    this.policy = services.policy();
    this.audit = new DispatchAudit(busKey);
    this.clock = services.clock();
    this.log = log;
    this.state = recovered;
    this.pool = new AgentPool(busKey.role(), services.localNode());
    this.metrics = new QueueMetrics(settings.waitWindow(), clock.instant());
    this.agentReplies = context.messageAdapter(AgentReply.class, FromAgent::new);
    this.holds =
        new TenantHolds(
            policy,
            services.ledgers(),
            busKey.tenant(),
            context.messageAdapter(TenantLedger.Reservation.class, Reserved::new),
            context.messageAdapter(TenantLedger.LeaseNews.class, FromLedger::new));
    // Named outright: found from the call stack, the logger's name was at times Pekko's own.
    context.setLoggerName(Dispatcher.class);
  }

  /**
   * The dispatcher of {@code busKey}: waits for its log to recover the queue (holding messages
   * meanwhile), then serves.
   */
  public static Behavior<Command> create(BusKey busKey, DispatchServices services) {
    DispatchSettings settings = services.settings();
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    Behaviors.withStash(
                        settings.stashCapacity(),
                        stash -> {
                          ActorRef<DispatchLog.Recovered> recovered =
                              context.messageAdapter(
                                  DispatchLog.Recovered.class, r -> new LogRecovered(r.state()));
                          ActorRef<DispatchLog.Command> log =
                              context.spawn(
                                  DispatchLog.create(busKey, recovered, settings, services.clock()),
                                  "log");
                          return recovering(context, stash, busKey, timers, services, log);
                        })));
  }

  private static Behavior<Command> recovering(
      ActorContext<Command> context,
      StashBuffer<Command> stash,
      BusKey busKey,
      TimerScheduler<Command> timers,
      DispatchServices services,
      ActorRef<DispatchLog.Command> log) {
    return Behaviors.receive(Command.class)
        .onMessage(
            LogRecovered.class,
            recovered -> {
              Dispatcher serving =
                  new Dispatcher(context, busKey, timers, services, log, recovered.state());
              services
                  .directory()
                  .tell(
                      new AgentDirectory.Subscribe(
                          context.messageAdapter(
                              AgentDirectory.Agents.class, a -> new AgentsChanged(a.agents()))));
              return stash.unstashAll(serving);
            })
        .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
        .onAnyMessage(
            message -> {
              stash.stash(message);
              return Behaviors.same();
            })
        .build();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Enqueue.class, this::onEnqueue)
        .onMessage(Withdraw.class, this::onWithdraw)
        .onMessage(Reserved.class, this::onReserved)
        .onMessage(FromLedger.class, this::onFromLedger)
        .onMessage(LedgerGone.class, this::onLedgerGone)
        .onMessageEquals(LeaseIdle.INSTANCE, this::onLeaseIdle)
        .onMessage(FromAgent.class, this::onFromAgent)
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
    String key = assignment.idempotencyKey();
    if (state.contains(key)) {
      return this;
    }
    if (recentlyFinished.containsKey(key)) {
      // The run sends an attempt again when it has not heard of it: the result may have been
      // lost on its way (the run's node went down), so it hears it again. A run that had it
      // ignores the repeat.
      AssignmentResult told = recentlyFinished.get(key);
      if (told != null) {
        runs.finished(told);
      }
      return this;
    }
    // Already admitted and waiting for its tenant's ledger: asked again (the run re-sent it).
    Optional<DispatchPolicy.Admitted> waiting = holds.waiting(key);
    DispatchPolicy.Admission admission =
        waiting.isPresent() ? waiting.get() : policy.admit(assignment);
    if (admission instanceof DispatchPolicy.Refused refused) {
      refuse(assignment, refused.error(), refused.kind());
    } else if (admission instanceof DispatchPolicy.Admitted admitted) {
      if (admitted.tenantLimited()) {
        if (holds.reserve(admitted, clock.instant())) {
          acceptHeld(admitted, admitted.hold());
        }
      } else {
        accept(admitted, List.of());
      }
    }
    return this;
  }

  private Behavior<Command> onReserved(Reserved reserved) {
    TenantLedger.Reservation reservation = reserved.reservation();
    DispatchPolicy.Admitted admitted = holds.answered(reservation).orElse(null);
    if (admitted == null) {
      return this;
    }
    Assignment assignment = admitted.assignment();
    if (!reservation.granted()) {
      refuse(
          assignment, StepError.budgetExceeded(reservation.refusal()), AuditKind.BUDGET_EXCEEDED);
      return this;
    }
    acceptHeld(admitted, reservation.hold());
    return this;
  }

  /** Accepts an attempt whose tenant's budget holds {@code hold} for it. */
  private void acceptHeld(DispatchPolicy.Admitted admitted, Spend hold) {
    accept(
        admitted,
        List.of(
            audit.entry(
                AuditKind.BUDGET_RESERVED,
                admitted.assignment(),
                null,
                null,
                hold,
                clock.instant())));
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

  private Behavior<Command> onLeaseIdle() {
    if (!holds.idle()) {
      timers.cancel(LeaseIdle.INSTANCE);
    }
    return this;
  }

  private void accept(DispatchPolicy.Admitted admitted, List<AuditEntry> notes) {
    Accepted accepted = new Accepted(admitted.assignment(), state.lastTicket() + 1);
    decide(List.of(accepted), List.of(), List.of(), notes);
  }

  /** The attempt fails at once, before dispatch: its run hears why, the log records it. */
  private void refuse(Assignment assignment, StepError error, AuditKind kind) {
    AssignmentResult refused =
        AssignmentResult.of(assignment, null, new StepOutcome.Failed(error, Usage.NONE));
    remember(assignment.idempotencyKey(), refused);
    metrics.failed(error.errorClass());
    runs.finished(refused);
    decide(
        List.of(),
        List.of(),
        List.of(),
        List.of(
            audit.entry(kind, assignment, null, error.message(), error.budget(), clock.instant())));
  }

  private Behavior<Command> onWithdraw(Withdraw withdraw) {
    holds.forget(withdraw.idempotencyKey());
    DispatcherState.Entry entry = state.entry(withdraw.idempotencyKey());
    if (entry == null) {
      return this;
    }
    if (entry.agentId() == null) {
      remember(entry.key(), null);
      holds.settle(entry.assignment(), Usage.NONE);
      decide(
          List.of(),
          List.of(),
          List.of(entry.key()),
          List.of(
              audit.entry(
                  AuditKind.WITHDRAWN, entry.assignment(), null, null, null, clock.instant())));
    } else {
      pool.ref(entry.agentId()).ifPresent(ref -> ref.tell(new AgentCommand.Cancel(entry.key())));
    }
    return this;
  }

  private Behavior<Command> onFromAgent(FromAgent from) {
    AgentReply reply = from.reply();
    if (reply instanceof AgentReply.Vacancy vacancy) {
      return onVacancy(vacancy);
    }
    DispatcherState.Entry entry = state.entry(reply.idempotencyKey());
    boolean ours = entry != null && reply.agentId().equals(entry.agentId());
    pool.reported(reply.agentId(), reply.load());
    if (reply instanceof AgentReply.Accepted) {
      if (ours) {
        Assignment a = entry.assignment();
        // Waited until an agent took it: routings an agent turned down are part of the wait.
        Instant now = clock.instant();
        metrics.waited(Duration.between(entry.acceptedAt(), now), now);
        runs.started(a.runId(), a.stepId(), a.attempt(), reply.agentId());
      }
    } else if (reply instanceof AgentReply.Alive) {
      if (ours) {
        Assignment a = entry.assignment();
        runs.heartbeat(a.runId(), a.stepId(), a.attempt());
      }
    } else if (reply instanceof AgentReply.Finished finished) {
      if (entry == null) {
        runs.finished(finished.result());
      } else {
        AssignmentResult result = policy.priced(entry.assignment(), finished.result());
        if (entry.agentId() != null) {
          pool.released(entry.agentId());
        }
        List<AuditEntry> notes = new ArrayList<>(2);
        ended(entry, result, audit.finished(entry.assignment(), result, clock.instant()), notes);
        decide(List.of(), List.of(), List.of(entry.key()), notes);
      }
    } else if (reply instanceof AgentReply.Rejected rejected) {
      getContext()
          .getLog()
          .debug(
              "{} rejected {}: {}",
              rejected.agentId(),
              rejected.idempotencyKey(),
              rejected.reason());
      if (rejected.breaker() != null) {
        // Leave the agent (or that model on it) alone until its breaker may accept, and at least
        // until the next probe, instead of treating it as merely full and asking again soon.
        long waitMs =
            Math.max(rejected.breaker().retryAfterMs(), settings.probeInterval().toMillis());
        pool.breakerOpen(
            reply.agentId(),
            rejected.breaker().model(),
            SaturatingTime.plusMillis(clock.instant(), waitMs));
      } else {
        pool.full(reply.agentId());
      }
      if (ours) {
        pool.released(reply.agentId());
        timers.startSingleTimer(Probe.INSTANCE, settings.probeInterval());
        decide(List.of(), List.of(new Route(entry.key(), null)), List.of(), List.of());
      }
    }
    return this;
  }

  /**
   * A full agent that turned this dispatcher away holds a freed slot for it: take it with queued
   * work, or give it back so that the next in line gets it.
   */
  private Behavior<Command> onVacancy(AgentReply.Vacancy vacancy) {
    pool.reported(vacancy.agentId(), vacancy.load());
    List<Route> routed = decide(List.of(), List.of(), List.of(), List.of());
    if (routed.stream().noneMatch(route -> vacancy.agentId().equals(route.agentId()))) {
      pool.ref(vacancy.agentId())
          .ifPresent(ref -> ref.tell(new AgentCommand.Release(agentReplies)));
    }
    return this;
  }

  private Behavior<Command> onAgentsChanged(AgentsChanged changed) {
    boolean first = !agentsKnown;
    agentsKnown = true;
    pool.update(changed.agents());
    List<Route> requeue = new ArrayList<>();
    List<String> lost = new ArrayList<>();
    List<AuditEntry> notes = new ArrayList<>();
    for (DispatcherState.Entry entry : state.inFlight()) {
      if (!pool.knows(entry.agentId()) && first) {
        // After a restart an agent may only not be listed yet: the attempt waits for one, and
        // an agent that has its result answers from its record.
        requeue.add(new Route(entry.key(), null));
      } else if (!pool.knows(entry.agentId())) {
        lost.add(workerLost(entry, notes));
      } else if (first) {
        // After a restart: count what is in flight and re-send it to the same agent, which
        // answers from its record if it already finished the work.
        pool.routed(entry.agentId());
        pool.ref(entry.agentId())
            .ifPresent(ref -> ref.tell(new AgentCommand.Assign(entry.assignment(), agentReplies)));
      }
    }
    decide(List.of(), requeue, lost, notes);
    return this;
  }

  /**
   * The attempt of {@code entry} ended with {@code result}: its run hears it, its tenant's hold is
   * settled, and {@code notes} gain the reconciliation (if any) and then {@code last}.
   */
  private void ended(
      DispatcherState.Entry entry,
      AssignmentResult result,
      AuditEntry last,
      List<AuditEntry> notes) {
    runs.finished(result);
    if (result.outcome() instanceof StepOutcome.Failed failed) {
      metrics.failed(failed.error().errorClass());
    }
    remember(entry.key(), result);
    TenantHolds.Reconciled reconciled =
        holds.settle(entry.assignment(), DispatchPolicy.usage(result));
    if (reconciled != null) {
      notes.add(
          audit.entry(
              AuditKind.BUDGET_RECONCILED, entry.assignment(), null, null, reconciled, last.at()));
    }
    notes.add(last);
  }

  /**
   * Ends an attempt whose agent left while it ran (the agent stopped, or its node left or became
   * unreachable): the run hears a {@code worker_lost} failure and retries it as a new attempt, so a
   * late result of this one is stale; its budget hold is released. Returns its key, to finish here,
   * and adds what to audit to {@code notes}.
   */
  private String workerLost(DispatcherState.Entry entry, List<AuditEntry> notes) {
    getContext()
        .getLog()
        .info("agent {} left while running {}: worker_lost", entry.agentId(), entry.key());
    StepError error =
        StepError.of(
            ErrorClass.WORKER_LOST,
            "agent " + entry.agentId().value() + " left while running the attempt");
    AssignmentResult result =
        AssignmentResult.of(
            entry.assignment(), entry.agentId(), new StepOutcome.Failed(error, Usage.NONE));
    AuditEntry lost =
        audit.entry(
            AuditKind.WORKER_LOST,
            entry.assignment(),
            entry.agentId(),
            error.message(),
            null,
            clock.instant());
    ended(entry, result, lost, notes);
    return entry.key();
  }

  private Behavior<Command> onProbe() {
    if (state.queuedCount() > 0) {
      // Loads agents reported may be stale (they finished other dispatchers' work since): try
      // them again; a still-busy agent says so and is marked full once more.
      pool.forgetReports();
      decide(List.of(), List.of(), List.of(), List.of());
    }
    return this;
  }

  private Behavior<Command> onGetQueue(GetQueue get) {
    get.replyTo().tell(metrics.view(busKey, state, clock.instant()));
    return this;
  }

  /**
   * Applies decisions, routes whatever queued work agents can take now, sends it, and hands
   * everything decided to the log. Returns what it routed.
   */
  private List<Route> decide(
      List<Accepted> accepted, List<Route> routes, List<String> finished, List<AuditEntry> notes) {
    Instant now = clock.instant();
    Batch batch = new Batch(accepted, routes, finished, now, List.of());
    state = batch.applyTo(state);
    List<AuditEntry> entries = new ArrayList<>(notes);
    entries.addAll(audit.decided(state, accepted, routes, now));
    List<Route> routed = agentsKnown ? pool.route(state, now) : List.of();
    if (!routed.isEmpty()) {
      Batch more = new Batch(List.of(), routed, List.of(), now, List.of());
      state = more.applyTo(state);
      batch = batch.merge(more);
      entries.addAll(audit.decided(state, List.of(), routed, now));
    }
    batch = batch.merge(new Batch(List.of(), List.of(), List.of(), now, entries));
    if (!batch.isEmpty()) {
      log.tell(new DispatchLog.Record(batch, state.queuedCount() > 0));
    }
    for (Route route : routed) {
      DispatcherState.Entry entry = state.entry(route.key());
      pool.ref(route.agentId())
          .ifPresent(ref -> ref.tell(new AgentCommand.Assign(entry.assignment(), agentReplies)));
    }
    if (state.queuedCount() > 0 && !timers.isTimerActive(Probe.INSTANCE)) {
      timers.startSingleTimer(Probe.INSTANCE, settings.probeInterval());
    }
    return routed;
  }

  private void remember(String key, AssignmentResult told) {
    recentlyFinished.put(key, told);
    if (recentlyFinished.size() > settings.finishedMemory()) {
      recentlyFinished.remove(recentlyFinished.keySet().iterator().next());
    }
  }
}
