package dev.lattice.orchestrator.run;

import dev.lattice.orchestrator.run.core.DueDeadlines;
import dev.lattice.orchestrator.run.core.IllegalTransitionException;
import dev.lattice.orchestrator.run.core.RunDeadline;
import dev.lattice.orchestrator.run.core.RunInterventions;
import dev.lattice.orchestrator.run.core.RunProgress;
import dev.lattice.orchestrator.run.core.RunState;
import dev.lattice.orchestrator.run.core.StepState;
import dev.lattice.persistence.journal.NewPersistenceIds;
import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.api.OverrideRequest;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.plan.StepTimeouts;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunFeed;
import dev.lattice.protocol.run.RunSpec;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.Recovery;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One run: its plan, its steps' lifecycles and its own lifecycle, event-sourced.
 *
 * <p>Lifecycle: {@code StartRun} persists {@code run.started}, which dispatches the steps without
 * dependencies; every result from a dispatcher moves the DAG on ({@link RunProgress} decides how);
 * the run completes when every step settled, or fails when a step fails with no attempts left.
 * Results that arrive close together are persisted in one write (a group commit). Only after a
 * write do assignments go to dispatchers, retry timers start, waiters get their answer and live
 * followers hear of the new events.
 *
 * <p>Invariants: every change passes the run and step transition tables; a stale or repeated result
 * changes nothing, so a step never succeeds twice; a non-terminal run resumes by itself after a
 * restart (the {@link RunWatchdog} wakes it from the run index), re-sending what was in flight with
 * the same idempotency keys and re-arming retry timers from their persisted due times.
 */
public final class RunEntity
    extends EventSourcedBehaviorWithEnforcedReplies<RunEntity.Command, RunChange, RunState> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "Run");

  /** The journal id of a run's events. */
  public static PersistenceId persistenceId(RunId runId) {
    return PersistenceId.of(ENTITY_TYPE_KEY.name(), runId.value());
  }

  /**
   * Starts sharding of runs on this node. A run stays in memory until it ends (no idle passivation:
   * a run waiting for a long step must keep its timers); the watchdog over the run index wakes
   * unfinished runs after a crash.
   */
  public static void init(ActorSystem<?> system, RunServices services, String role) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_TYPE_KEY,
                    entity -> create(RunId.of(entity.getEntityId()), entity.getShard(), services))
                .withRole(role)
                .withStopMessage(Stop.INSTANCE)
                .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  /** Messages of a run. */
  public sealed interface Command extends CborSerializable {}

  /**
   * Start the run as {@code spec} says (its plan validated); answers once its first events are
   * persisted. {@code fresh} says the run id was just made up by the caller (a random, time-ordered
   * UUID), so no event of it can exist: the entity then skips replaying its (empty) journal.
   */
  public record StartRun(RunSpec spec, boolean fresh, ActorRef<StatusReply<RunAccepted>> replyTo)
      implements Command {}

  /** An agent took an attempt of a step. */
  public record ReportStarted(String stepId, int attempt, AgentId agentId) implements Command {}

  /** An attempt of a step finished. */
  public record ReportResult(AssignmentResult result) implements Command {}

  /** Answer with the run's state. */
  public record GetRun(ActorRef<StatusReply<RunView>> replyTo) implements Command {}

  /** Pause, resume or cancel the run; answers with the run's state after it. */
  public record Intervene(
      InterventionType type, Intervention intervention, ActorRef<InterventionOutcome> replyTo)
      implements Command {}

  /**
   * Send the signal {@code name} to the wait step waiting for it; answers like {@link Intervene}.
   */
  public record Signal(String name, SignalRequest request, ActorRef<InterventionOutcome> replyTo)
      implements Command {}

  /** Complete a failed or waiting step with a given output; answers like {@link Intervene}. */
  public record OverrideStep(
      String stepId, OverrideRequest request, ActorRef<InterventionOutcome> replyTo)
      implements Command {}

  /** A running attempt is alive: its action sent a heartbeat. */
  public record ReportHeartbeat(String stepId, int attempt) implements Command {}

  /**
   * The answer to {@link Intervene}, {@link Signal} and {@link OverrideStep}.
   *
   * @param run the run's state after the intervention; {@code null} if there is no such run
   * @param refused why the run's lifecycle does not allow it, or {@code null}
   */
  public record InterventionOutcome(RunView run, String refused) implements CborSerializable {}

  /** Answer with the run's state once it is terminal (at once if it already is). */
  public record AwaitTerminal(ActorRef<StatusReply<RunView>> replyTo) implements Command {}

  /**
   * Push every event persisted from now on to {@code subscriber}, after telling it where we are.
   */
  public record Subscribe(ActorRef<RunFeed> subscriber) implements Command {}

  /** A deadline's timer fired. */
  record Due(RunDeadline deadline) implements Command {}

  record RecordStarted(String stepId, int attempt) implements Command {}

  record SubscriberGone(ActorRef<RunFeed> subscriber) implements Command {}

  enum Flush implements Command {
    INSTANCE
  }

  /** Carry on: after a restart, the watchdog sends this to every unfinished run. */
  public enum Resume implements Command {
    INSTANCE
  }

  enum Redeliver implements Command {
    INSTANCE
  }

  enum Passivate implements Command {
    INSTANCE
  }

  enum Stop implements Command {
    INSTANCE
  }

  private final RunId runId;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final RunServices services;
  private final RunProgress progress;
  private final RunInterventions interventions;
  private final DueDeadlines dueDeadlines;
  private final RunTimers runTimers;
  private final Clock clock;
  private final SplittableRandom random = new SplittableRandom();
  // Transient wiring, not state: followers re-subscribe, and unpersisted reports are re-sent.
  private final RunFollowers followers;
  private final RunAttempts attempts;
  private final Map<String, StartNotice> starts = new HashMap<>();
  private List<AssignmentResult> unpersisted = new ArrayList<>();
  private boolean flushScheduled;

  /** An agent's report that it took an attempt, kept until the attempt's outcome is recorded. */
  private record StartNotice(int attempt, AgentId agentId, Instant at) {}

  private final boolean fresh;

  private RunEntity(
      RunId runId,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      RunServices services,
      boolean fresh) {
    super(persistenceId(runId));
    this.runId = runId;
    this.context = context;
    this.timers = timers;
    this.shard = shard;
    this.services = services;
    this.progress = services.progress();
    this.interventions = new RunInterventions(progress);
    this.dueDeadlines = new DueDeadlines(progress);
    this.followers = new RunFollowers(runId);
    this.attempts = new RunAttempts(services, timers);
    this.clock = services.clock();
    this.runTimers =
        new RunTimers(
            timers,
            clock,
            progress,
            services.settings().agentLostGrace(),
            services.settings().timerHorizon());
    this.fresh = fresh;
  }

  /**
   * A run entity. It waits for its first message to choose how to recover: a fresh {@link StartRun}
   * means there is nothing to replay. It is supervised from outside that choice, so a restart after
   * a failed write waits for its next message and recovers from the journal.
   */
  public static Behavior<Command> create(
      RunId runId, ActorRef<ClusterSharding.ShardCommand> shard, RunServices services) {
    Behavior<Command> firstMessageDecides =
        Behaviors.withStash(
            1,
            stash ->
                Behaviors.receive(Command.class)
                    .onAnyMessage(
                        first -> {
                          boolean fresh = first instanceof StartRun start && start.fresh();
                          stash.stash(first);
                          return stash.unstashAll(eventSourced(runId, shard, services, fresh));
                        })
                    .build());
    return Behaviors.supervise(firstMessageDecides)
        .onFailure(
            SupervisorStrategy.restartWithBackoff(
                Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
  }

  /** The event-sourced behavior itself, recovering from the journal unless {@code fresh}. */
  static Behavior<Command> eventSourced(
      RunId runId,
      ActorRef<ClusterSharding.ShardCommand> shard,
      RunServices services,
      boolean fresh) {
    return Behaviors.setup(
        context -> {
          if (fresh) {
            // Nothing to replay, and the journal need not look for the highest sequence number.
            NewPersistenceIds.get(Adapter.toClassic(context.getSystem()))
                .announce(persistenceId(runId).id());
          }
          return Behaviors.withTimers(
              timers -> new RunEntity(runId, context, timers, shard, services, fresh));
        });
  }

  @Override
  public Recovery recovery() {
    // The default: the latest snapshot, then the events after it.
    return fresh
        ? Recovery.disabled()
        : Recovery.withSnapshotSelectionCriteria(SnapshotSelectionCriteria.latest());
  }

  @Override
  public RunState emptyState() {
    return RunState.empty(runId);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Snapshots bound recovery time; events are never deleted (see DESIGN.md's known traps).
    return RetentionCriteria.snapshotEvery(services.settings().snapshotEvery(), 2);
  }

  @Override
  public CommandHandlerWithReply<Command, RunChange, RunState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(StartRun.class, this::onStart)
        .onCommand(ReportStarted.class, this::onReportStarted)
        .onCommand(RecordStarted.class, this::onRecordStarted)
        .onCommand(ReportResult.class, this::onReportResult)
        .onCommand(Flush.class, this::onFlush)
        .onCommand(Due.class, this::onDue)
        .onCommand(ReportHeartbeat.class, this::onReportHeartbeat)
        .onCommand(Signal.class, this::onSignal)
        .onCommand(OverrideStep.class, this::onOverride)
        .onCommand(Resume.class, this::onResume)
        .onCommand(Redeliver.class, this::onRedeliver)
        .onCommand(GetRun.class, this::onGetRun)
        .onCommand(Intervene.class, this::onIntervene)
        .onCommand(AwaitTerminal.class, this::onAwaitTerminal)
        .onCommand(Subscribe.class, this::onSubscribe)
        .onCommand(SubscriberGone.class, this::onSubscriberGone)
        .onCommand(Passivate.class, this::onPassivate)
        .onCommand(Stop.class, (state, stop) -> Effect().stop().thenNoReply())
        .build();
  }

  private ReplyEffect<RunChange, RunState> onStart(RunState state, StartRun start) {
    if (state.exists()) {
      return Effect().reply(start.replyTo(), StatusReply.success(new RunAccepted(runId, false)));
    }
    List<RunChange> events = progress.start(state, start.spec(), clock.instant());
    return Effect()
        .persist(events)
        .thenRun(next -> afterPersist(state, events, next))
        .thenReply(start.replyTo(), next -> StatusReply.success(new RunAccepted(runId, true)));
  }

  private ReplyEffect<RunChange, RunState> onReportStarted(RunState state, ReportStarted report) {
    // A start changes nothing downstream. A short attempt's start is recorded in its outcome's
    // event; only an attempt still running after a short delay gets a step.started of its own.
    starts.put(
        report.stepId(), new StartNotice(report.attempt(), report.agentId(), clock.instant()));
    heard(state, report.stepId(), report.attempt());
    timers.startSingleTimer(
        "started-" + report.stepId(),
        new RecordStarted(report.stepId(), report.attempt()),
        services.settings().startedRecordDelay());
    return Effect().noReply();
  }

  private ReplyEffect<RunChange, RunState> onRecordStarted(RunState state, RecordStarted record) {
    StartNotice notice = starts.get(record.stepId());
    if (notice == null || notice.attempt() != record.attempt()) {
      return Effect().noReply();
    }
    return persistAll(
        state,
        progress.started(state, record.stepId(), record.attempt(), notice.agentId(), notice.at()));
  }

  private ReplyEffect<RunChange, RunState> onReportResult(RunState state, ReportResult report) {
    unpersisted.add(report.result());
    if (progress.urgent(state, unpersisted)) {
      if (!flushScheduled) {
        // Results that arrive before this message is processed join the same write.
        flushScheduled = true;
        context.getSelf().tell(Flush.INSTANCE);
      }
    } else if (!flushScheduled && !timers.isTimerActive(Flush.INSTANCE)) {
      // Nothing waits on these results yet (a branch whose join still waits for its siblings):
      // they join the write of the result that unblocks something, or are written shortly.
      timers.startSingleTimer(Flush.INSTANCE, services.settings().batchDelay());
    }
    return Effect().noReply();
  }

  private ReplyEffect<RunChange, RunState> onFlush(RunState state, Flush flush) {
    flushScheduled = false;
    List<AssignmentResult> results = unpersisted;
    unpersisted = new ArrayList<>();
    Instant now = clock.instant();
    RunState working = state;
    List<RunChange> events = new ArrayList<>();
    for (AssignmentResult result : results) {
      StartNotice notice = starts.get(result.stepId());
      Instant startedAt =
          notice != null && notice.attempt() == result.attempt() ? notice.at() : null;
      for (RunChange change :
          progress.resulted(working, result, startedAt, now, random::nextDouble)) {
        working = working.apply(change);
        events.add(change);
      }
    }
    return persistAll(state, events);
  }

  private ReplyEffect<RunChange, RunState> onDue(RunState state, Due due) {
    RunDeadline deadline = due.deadline();
    if (!runTimers.fired(deadline)) {
      return Effect().noReply();
    }
    StartNotice notice = starts.get(deadline.stepId());
    if (deadline.kind() == RunDeadline.Kind.SCHEDULE_TO_START
        && notice != null
        && notice.attempt() == deadline.attempt()) {
      // An agent did pick it up; its start was just not written yet.
      return persistAll(
          state,
          progress.started(
              state, deadline.stepId(), deadline.attempt(), notice.agentId(), notice.at()));
    }
    List<RunChange> events = dueDeadlines.due(state, deadline, clock.instant(), random::nextDouble);
    if (events.isEmpty()) {
      return Effect().noReply();
    }
    return Effect()
        .persist(events)
        .thenRun(
            next -> {
              afterPersist(state, events, next);
              if (deadline.kind().endsAttempt()) {
                // A timed-out attempt may still be queued or running somewhere: take it back. A
                // retry's deadline names the attempt it has just dispatched, and a wait's none.
                attempts.withdraw(state, deadline.stepId(), deadline.attempt());
              }
            })
        .thenNoReply();
  }

  private ReplyEffect<RunChange, RunState> onReportHeartbeat(
      RunState state, ReportHeartbeat report) {
    heard(state, report.stepId(), report.attempt());
    return Effect().noReply();
  }

  /** Moves the heartbeat deadline of a live attempt that asks for heartbeats. */
  private void heard(RunState state, String stepId, int attempt) {
    StepState step = state.exists() ? state.step(stepId) : null;
    if (step == null || step.attempt() != attempt || state.terminal()) {
      return;
    }
    StepTimeouts limits = state.spec(stepId).timeouts();
    if (limits != null && limits.heartbeatMs() != null) {
      runTimers.heard(stepId, attempt, Duration.ofMillis(limits.heartbeatMs()));
    }
  }

  private ReplyEffect<RunChange, RunState> onResume(RunState state, Resume resume) {
    return persistAll(state, progress.advance(state, clock.instant()));
  }

  private ReplyEffect<RunChange, RunState> persistAll(RunState before, List<RunChange> events) {
    if (events.isEmpty()) {
      return Effect().noReply();
    }
    return Effect()
        .persist(events)
        .thenRun(next -> afterPersist(before, events, next))
        .thenNoReply();
  }

  private ReplyEffect<RunChange, RunState> onRedeliver(RunState state, Redeliver redeliver) {
    // An attempt that is out may have been lost on its way, or its result on the way back (a
    // dispatcher, or this run, that moved or restarted after a node went down): send it again.
    // The dispatcher ignores keys it has in hand and repeats the result of those it finished.
    if (state.status() == RunStatus.RUNNING) {
      state.stepStates().stream()
          .filter(s -> s.status().out())
          .forEach(s -> attempts.send(state, s.id()));
    }
    attempts.manageRedelivery(state);
    return Effect().noReply();
  }

  private ReplyEffect<RunChange, RunState> onIntervene(RunState state, Intervene intervene) {
    return intervention(
        state,
        intervene.replyTo(),
        () ->
            interventions.lifecycle(
                state, intervene.type(), intervene.intervention(), clock.instant()));
  }

  private ReplyEffect<RunChange, RunState> onSignal(RunState state, Signal signal) {
    return intervention(
        state,
        signal.replyTo(),
        () -> interventions.signal(state, signal.name(), signal.request(), clock.instant()));
  }

  private ReplyEffect<RunChange, RunState> onOverride(RunState state, OverrideStep override) {
    return intervention(
        state,
        override.replyTo(),
        () ->
            interventions.override(state, override.stepId(), override.request(), clock.instant()));
  }

  /**
   * Every intervention alike: none for a run that does not exist, a refusal when the lifecycle does
   * not allow it, else its events and the run's state after them. A resume also re-sends what is in
   * flight and re-arms what paused.
   */
  private ReplyEffect<RunChange, RunState> intervention(
      RunState state, ActorRef<InterventionOutcome> replyTo, Supplier<List<RunChange>> decide) {
    if (!state.exists()) {
      return Effect().reply(replyTo, new InterventionOutcome(null, null));
    }
    List<RunChange> events;
    try {
      events = decide.get();
    } catch (IllegalTransitionException refused) {
      return refuse(state, replyTo, refused);
    }
    return Effect()
        .persist(events)
        .thenRun(
            next -> {
              afterPersist(state, events, next);
              if (events.stream().anyMatch(RunChange.RunResumed.class::isInstance)) {
                carryOn(next);
              }
            })
        .thenReply(
            replyTo, next -> new InterventionOutcome(next.view(lastSequenceNumber(context)), null));
  }

  private ReplyEffect<RunChange, RunState> refuse(
      RunState state, ActorRef<InterventionOutcome> replyTo, IllegalTransitionException refused) {
    return Effect()
        .reply(
            replyTo,
            new InterventionOutcome(state.view(lastSequenceNumber(context)), refused.getMessage()));
  }

  private ReplyEffect<RunChange, RunState> onGetRun(RunState state, GetRun get) {
    if (!state.exists()) {
      return Effect().reply(get.replyTo(), StatusReply.error("no run with id '" + runId + "'"));
    }
    return Effect()
        .reply(get.replyTo(), StatusReply.success(state.view(lastSequenceNumber(context))));
  }

  private ReplyEffect<RunChange, RunState> onAwaitTerminal(RunState state, AwaitTerminal await) {
    if (!state.exists()) {
      return Effect().reply(await.replyTo(), StatusReply.error("no run with id '" + runId + "'"));
    }
    if (state.terminal()) {
      return Effect()
          .reply(await.replyTo(), StatusReply.success(state.view(lastSequenceNumber(context))));
    }
    followers.awaitEnd(await.replyTo());
    return Effect().noReply();
  }

  private ReplyEffect<RunChange, RunState> onSubscribe(RunState state, Subscribe subscribe) {
    if (followers.subscribe(subscribe.subscriber())) {
      context.watchWith(subscribe.subscriber(), new SubscriberGone(subscribe.subscriber()));
    }
    boolean terminal = state.terminal();
    return Effect()
        .reply(
            subscribe.subscriber(),
            new RunFeed.Subscribed(lastSequenceNumber(context), terminal, context.getSelf()));
  }

  private ReplyEffect<RunChange, RunState> onSubscriberGone(RunState state, SubscriberGone gone) {
    followers.unsubscribe(gone.subscriber());
    return Effect().noReply();
  }

  private ReplyEffect<RunChange, RunState> onPassivate(RunState state, Passivate passivate) {
    if ((!state.exists() || state.terminal()) && !followers.anyAwaitingEnd()) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
    return Effect().noReply();
  }

  private void afterPersist(RunState before, List<RunChange> events, RunState state) {
    followers.publish(events, lastSequenceNumber(context));
    for (StepState step : state.stepStates()) {
      StepState previous = before.exists() ? before.step(step.id()) : null;
      boolean newlyDispatched =
          step.status() == StepStatus.DISPATCHED
              && (previous == null
                  || previous.status() != StepStatus.DISPATCHED
                  || previous.attempt() != step.attempt());
      if (newlyDispatched && state.status() == RunStatus.RUNNING) {
        // A run paused for its budget holds its dispatched attempt until it is resumed.
        attempts.send(state, step.id());
      } else if (step.status().terminal() || step.status() == StepStatus.RETRY_WAIT) {
        starts.remove(step.id());
      }
    }
    runTimers.sync(state);
    attempts.manageRedelivery(state);
    if (state.terminal() && !before.terminal()) {
      // Attempts still queued or running are of no use any more: take them back, best-effort.
      attempts.withdrawAll(state);
    }
    if (state.terminal()) {
      followers.ended(state.view(lastSequenceNumber(context)));
      timers.startSingleTimer(Passivate.INSTANCE, services.settings().passivateAfterTerminal());
    }
  }

  @Override
  public SignalHandler<RunState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .build();
  }

  private void onRecovered(RunState state) {
    if (fresh) {
      return;
    }
    if (!state.exists() || state.terminal()) {
      // Started by a late message or to answer a question: do not stay in memory for long.
      timers.startSingleTimer(Passivate.INSTANCE, services.settings().passivateAfterTerminal());
      return;
    }
    if (state.status() == RunStatus.RUNNING) {
      carryOn(state);
      context.getSelf().tell(Resume.INSTANCE);
    } else {
      // Paused: nothing new goes out, but its deadline and its attempts' time limits still run.
      runTimers.sync(state);
    }
  }

  /**
   * Re-sends what is in flight (dispatchers and agents drop keys they already have) and arms the
   * timers of every deadline from its persisted time: after a recovery, and after a resume.
   */
  private void carryOn(RunState state) {
    for (StepState step : state.stepStates()) {
      if (step.status().out()) {
        attempts.send(state, step.id());
      }
      if (step.status() == StepStatus.RUNNING) {
        // Heartbeats are not persisted: a recovered run counts from now.
        heard(state, step.id(), step.attempt());
      }
    }
    runTimers.sync(state);
    attempts.manageRedelivery(state);
  }

  @Override
  public EventHandler<RunState, RunChange> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(RunState::apply);
  }
}
