package dev.lattice.orchestrator.run;

import dev.lattice.orchestrator.logging.LogContext;
import dev.lattice.orchestrator.run.core.Decided;
import dev.lattice.orchestrator.run.core.RunDeadline;
import dev.lattice.orchestrator.run.core.RunInterventions;
import dev.lattice.orchestrator.run.core.RunProgress;
import dev.lattice.orchestrator.run.core.RunState;
import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.api.OverrideRequest;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.BusKey;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.journal.GroupCommit;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunFeed;
import dev.lattice.protocol.run.RunSpec;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepDelta;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
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
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
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
 *
 * <p>Text a running attempt streams ({@link PublishDelta}) is never persisted: the run passes it to
 * its followers and holds the running attempt's text for those that join later ({@link RunDeltas}).
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

  /** An agent took an attempt of a step; for a run step, no agent: its child run started. */
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

  /**
   * Send again a step whose last attempt's outcome is unknown, a person having decided it did not
   * happen; answers like {@link Intervene}.
   */
  public record RetryStep(
      String stepId, Intervention intervention, ActorRef<InterventionOutcome> replyTo)
      implements Command {}

  /**
   * Text a running attempt streamed, from the worker running it: pushed to followers and held for
   * those that join later, never persisted.
   */
  public record PublishDelta(StepDelta delta) implements Command {}

  /**
   * A dispatcher (at {@code busKey}) that restarted found attempt {@code attempt} of the step in
   * flight: the run sends it again if it still wants it, else takes it back.
   */
  public record ConfirmAttempt(String stepId, int attempt, BusKey busKey) implements Command {}

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
   * Push every event persisted from now on to {@code subscriber}, after telling it where we are;
   * with {@code deltas}, the streamed text of running attempts too (the text so far first).
   */
  public record Subscribe(ActorRef<RunFeed> subscriber, boolean deltas) implements Command {
    /** A subscription to persisted events only. */
    public Subscribe(ActorRef<RunFeed> subscriber) {
      this(subscriber, false);
    }
  }

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
  private final InterventionCommands interventions;
  private final RunTimers runTimers;
  private final Clock clock;
  private final SplittableRandom random = new SplittableRandom();
  // Transient wiring, not state: followers re-subscribe, and unpersisted reports are re-sent.
  private final RunFollowers followers;
  private final RunAttempts attempts;
  private final RunSideEffects sideEffects;
  private final RunQueries queries;
  private final TimerCommands timerCommands;
  private final StartNotices starts = new StartNotices();
  private final boolean fresh;
  // The group commit: results waiting to share one write.
  private final GroupCommit<AssignmentResult, Command> unpersisted;

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
    this.followers = new RunFollowers(runId, services.heldDeltaChars());
    this.attempts = new RunAttempts(services, timers);
    this.clock = services.clock();
    this.unpersisted = new GroupCommit<>(timers, Flush.INSTANCE, services.settings().batchDelay());
    this.runTimers =
        new RunTimers(
            timers,
            clock,
            progress,
            services.settings().agentLostGrace(),
            services.settings().timerHorizon());
    LongSupplier lastSeq = () -> lastSequenceNumber(context);
    this.sideEffects =
        new RunSideEffects(
            followers,
            attempts,
            runTimers,
            starts,
            timers,
            services.settings().passivateAfterTerminal(),
            Effect(),
            lastSeq,
            services.children(),
            new RunTelemetry(context.getSystem()),
            services.runLogs(),
            services.runLogLevel(),
            context.getLog());
    this.queries = new RunQueries(runId, Effect(), followers, context, lastSeq);
    this.interventions =
        new InterventionCommands(
            Effect(), new RunInterventions(progress), sideEffects, clock, lastSeq);
    this.timerCommands =
        new TimerCommands(services, Effect(), timers, runTimers, starts, attempts, sideEffects);
    this.fresh = fresh;
  }

  /**
   * A run entity; it waits for its first message to choose how to recover ({@link RecoveryChoice}).
   */
  public static Behavior<Command> create(
      RunId runId, ActorRef<ClusterSharding.ShardCommand> shard, RunServices services) {
    // Every line logged while the run handles a message (Pekko's own about its journal included)
    // names the run: one MDC entry, put and cleared per message.
    return Behaviors.withMdc(
        Command.class,
        Map.of(LogContext.RUN_ID, runId.value()),
        RecoveryChoice.firstMessageDecides(fresh -> eventSourced(runId, shard, services, fresh)));
  }

  /** The event-sourced behavior itself, recovering from the journal unless {@code fresh}. */
  static Behavior<Command> eventSourced(
      RunId runId,
      ActorRef<ClusterSharding.ShardCommand> shard,
      RunServices services,
      boolean fresh) {
    return Behaviors.setup(
        context -> {
          // Named outright, as the dispatcher's: the node's log filters by it.
          context.setLoggerName(RunEntity.class);
          if (fresh) {
            // Nothing to replay, and the journal need not look for the highest sequence number.
            RecoveryChoice.announceFresh(context.getSystem(), persistenceId(runId));
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
    CommandHandlerWithReplyBuilder<Command, RunChange, RunState> builder =
        newCommandHandlerWithReplyBuilder();
    // First the most frequent command, results. They and their group commit work the same whether
    // or not the run exists: a result for a run with no events is dropped when it is written.
    builder
        .forAnyState()
        .onCommand(ReportResult.class, this::onReportResult)
        .onCommand(Flush.class, this::onFlush)
        .onCommand(Subscribe.class, queries::onSubscribe)
        .onCommand(SubscriberGone.class, queries::onSubscriberGone)
        .onCommand(Stop.class, (state, stop) -> Effect().stop().thenNoReply());
    builder
        .forState(RunState::exists)
        .onCommand(ReportStarted.class, timerCommands::onReportStarted)
        .onCommand(RecordStarted.class, timerCommands::onRecordStarted)
        .onCommand(Due.class, timerCommands::onDue)
        .onCommand(ReportHeartbeat.class, timerCommands::onReportHeartbeat)
        .onCommand(PublishDelta.class, this::onPublishDelta)
        .onCommand(Redeliver.class, this::onRedeliver)
        .onCommand(Resume.class, this::onResume)
        .onCommand(StartRun.class, this::onStartAgain)
        .onCommand(Intervene.class, interventions::onIntervene)
        .onCommand(Signal.class, interventions::onSignal)
        .onCommand(OverrideStep.class, interventions::onOverride)
        .onCommand(RetryStep.class, interventions::onRetry)
        .onCommand(ConfirmAttempt.class, this::onConfirmAttempt)
        .onCommand(GetRun.class, queries::onGetRun)
        .onCommand(AwaitTerminal.class, queries::onAwaitTerminal)
        .onCommand(Passivate.class, this::onPassivate);
    builder
        .forState(state -> !state.exists())
        .onCommand(StartRun.class, this::onStart)
        .onCommand(GetRun.class, get -> queries.noSuchRun(get.replyTo()))
        .onCommand(AwaitTerminal.class, await -> queries.noSuchRun(await.replyTo()))
        .onCommand(Intervene.class, intervene -> interventions.noRun(intervene.replyTo()))
        .onCommand(Signal.class, signal -> interventions.noRun(signal.replyTo()))
        .onCommand(OverrideStep.class, override -> interventions.noRun(override.replyTo()))
        .onCommand(RetryStep.class, retry -> interventions.noRun(retry.replyTo()))
        .onCommand(ConfirmAttempt.class, this::onConfirmAttempt)
        .onCommand(Passivate.class, this::passivateUnlessAwaited)
        // Reports and timers of a run without events have nothing to change.
        .onCommand(ReportStarted.class, this::unchanged)
        .onCommand(RecordStarted.class, this::unchanged)
        .onCommand(Due.class, this::unchanged)
        .onCommand(ReportHeartbeat.class, this::unchanged)
        .onCommand(PublishDelta.class, this::unchanged)
        .onCommand(Redeliver.class, this::unchanged)
        .onCommand(Resume.class, this::unchanged);
    return builder.build();
  }

  private ReplyEffect<RunChange, RunState> onStart(RunState state, StartRun start) {
    Decided decided = progress.start(state, start.spec(), clock.instant());
    return Effect()
        .persist(decided.events())
        .thenRun(next -> sideEffects.written(state, decided, next))
        .thenReply(start.replyTo(), next -> StatusReply.success(new RunAccepted(runId, true)));
  }

  private ReplyEffect<RunChange, RunState> onStartAgain(RunState state, StartRun start) {
    return Effect().reply(start.replyTo(), StatusReply.success(new RunAccepted(runId, false)));
  }

  private ReplyEffect<RunChange, RunState> onReportResult(RunState state, ReportResult report) {
    unpersisted.add(report.result());
    // A result something waits on is written at once, with those that arrive before the flush is
    // processed. Results nothing waits on yet (a branch whose join still waits for its siblings)
    // join the write of the result that unblocks something, or are written shortly.
    if (unpersisted.due(progress.urgent(state, unpersisted.gathered()))) {
      unpersisted.flushSoon(context.getSelf());
    }
    return Effect().noReply();
  }

  private ReplyEffect<RunChange, RunState> onFlush(RunState state, Flush flush) {
    List<AssignmentResult> results = unpersisted.take();
    return sideEffects.persist(
        state,
        progress.resulted(state, results, starts::startedAt, clock.instant(), random::nextDouble));
  }

  private ReplyEffect<RunChange, RunState> onResume(RunState state, Resume resume) {
    return sideEffects.persist(state, progress.advance(state, clock.instant()));
  }

  private ReplyEffect<RunChange, RunState> onPublishDelta(RunState state, PublishDelta publish) {
    followers.delta(state, publish.delta());
    return Effect().noReply();
  }

  private ReplyEffect<RunChange, RunState> onRedeliver(RunState state, Redeliver redeliver) {
    attempts.redeliver(state);
    return Effect().noReply();
  }

  private ReplyEffect<RunChange, RunState> onConfirmAttempt(
      RunState state, ConfirmAttempt confirm) {
    attempts.confirm(state, confirm.stepId(), confirm.attempt(), confirm.busKey());
    return Effect().noReply();
  }

  private ReplyEffect<RunChange, RunState> onPassivate(RunState state, Passivate passivate) {
    return state.terminal() ? passivateUnlessAwaited(state, passivate) : Effect().noReply();
  }

  private ReplyEffect<RunChange, RunState> passivateUnlessAwaited(
      RunState state, Passivate passivate) {
    if (!followers.anyAwaitingEnd()) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
    return Effect().noReply();
  }

  private ReplyEffect<RunChange, RunState> unchanged() {
    return Effect().noReply();
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
      sideEffects.passivateSoon();
      return;
    }
    if (state.status() == RunStatus.RUNNING) {
      sideEffects.carryOn(state);
      context.getSelf().tell(Resume.INSTANCE);
    } else {
      // Paused: nothing new goes out, but its deadline and its attempts' time limits still run.
      runTimers.sync(state);
    }
  }

  @Override
  public EventHandler<RunState, RunChange> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(RunState::apply);
  }
}
