package dev.lattice.worker.agent;

import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.AgentBreakers;
import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.AgentCommand.Assign;
import dev.lattice.protocol.agent.AgentCommand.Cancel;
import dev.lattice.protocol.agent.AgentCommand.Drain;
import dev.lattice.protocol.agent.AgentCommand.GetManifest;
import dev.lattice.protocol.agent.AgentCommand.Release;
import dev.lattice.protocol.agent.AgentCommand.WatchBreakers;
import dev.lattice.protocol.agent.AgentManifest;
import dev.lattice.protocol.agent.AgentReply;
import dev.lattice.protocol.agent.AgentReply.Accepted;
import dev.lattice.protocol.agent.AgentReply.Alive;
import dev.lattice.protocol.agent.AgentReply.Finished;
import dev.lattice.protocol.agent.AgentReply.Rejected;
import dev.lattice.protocol.agent.AgentReply.Vacancy;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.BreakerOpen;
import dev.lattice.protocol.agent.Drained;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.agent.ToolEffect;
import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.log.LogLine;
import dev.lattice.worker.action.AgentAction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.persistence.typed.EventRejectedException;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * A worker agent: runs assignments for its capabilities with an {@link AgentAction}, at most {@code
 * maxConcurrent} at once, and records each result by idempotency key.
 *
 * <p>Lifecycle of an assignment: {@code Assign} → accepted (or rejected when busy or not served) →
 * its {@link ActionRunner} runs the action on the action dispatcher, never on this actor's thread →
 * its outcome, checked against the assignment's TTL and budget, goes as {@link Finished} to
 * everyone who sent that assignment → shortly after, it is recorded. Outcomes finishing close
 * together are recorded in one event (a group commit), so a busy agent writes one journal row per
 * batch, not per assignment, and no result waits for a write.
 *
 * <p>Circuit breakers ({@link Breakers}) stand in front of the action: after too many failures in a
 * row an agent (or one of its models) refuses assignments with a {@link Rejected} naming its open
 * breaker, for a cool-down; then one assignment goes through as the probe. The agent tells those
 * watching its breakers ({@link WatchBreakers}) whenever one changes.
 *
 * <p>Invariants: an idempotency key whose result is known is answered with it and never runs again;
 * a key in flight is not started twice; no more than {@code maxConcurrent} run at once. Assignments
 * in flight when the agent stops, and results not yet recorded, are lost with it: the dispatcher
 * re-sends them and they run again (at least once).
 */
public final class WorkerAgent
    extends EventSourcedBehaviorWithEnforcedReplies<AgentCommand, WorkerAgent.Event, WorkerState> {

  public static final String ENTITY_TYPE = "Agent";

  /**
   * The agent's own messages, which never leave it; the commands others send it are the {@link
   * AgentCommand}s of the protocol.
   */
  sealed interface Internal extends AgentCommand {}

  /** A breakers' watcher stopped. */
  record BreakerWatcherGone(ActorRef<AgentBreakers> watcher) implements Internal {}

  /** A breaker's cool-down may have ended. */
  enum BreakerDue implements Internal {
    INSTANCE
  }

  /** A slot held for a sender in line was not taken in time. */
  record HoldLapsed(long hold) implements Internal {}

  /** The action of an assignment finished. */
  record ActionFinished(Assignment assignment, StepOutcome outcome) implements Internal {}

  /** An action reported that its attempt is alive. */
  record Beat(String idempotencyKey) implements Internal {}

  /** Record the outcomes collected since the last flush. */
  enum Flush implements Internal {
    INSTANCE
  }

  /** Events of a worker agent. */
  public sealed interface Event extends CborSerializable {}

  /** Outcomes recorded together, in the order they finished. */
  public record ResultsRecorded(List<AssignmentResult> results, Instant at) implements Event {
    public ResultsRecorded {
      results = List.copyOf(results);
    }
  }

  /**
   * An attempt of an unsafe tool is about to run: recorded before its action starts, so that after
   * a crash the agent knows it may have happened instead of running it again.
   */
  public record UnsafeCallStarted(String idempotencyKey, Instant at) implements Event {}

  private final ActorContext<AgentCommand> context;
  private final AgentManifest manifest;
  private final WorkerSettings settings;
  private final Clock clock;
  private final ActionRunner runner;
  // Transient wiring, not state: rebuilt empty on restart, when in-flight work is re-sent anyway.
  private final Map<String, List<ActorRef<AgentReply>>> inFlight = new HashMap<>();
  private final UnrecordedResults unrecorded;
  private final Breakers breakers;
  private final Vacancies vacancies;
  // Set once the node is leaving: who waits for the work in flight to finish.
  private List<ActorRef<Drained>> drainWaiters;

  private WorkerAgent(
      ActorContext<AgentCommand> context,
      TimerScheduler<AgentCommand> timers,
      AgentManifest manifest,
      AgentAction action,
      WorkerSettings settings,
      Clock clock) {
    super(
        PersistenceId.of(ENTITY_TYPE, manifest.agentId().value()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.context = context;
    this.manifest = manifest;
    this.settings = settings;
    this.clock = clock;
    this.runner = new ActionRunner(manifest.agentId(), action, settings, clock, context);
    this.unrecorded =
        new UnrecordedResults(
            settings.recordBatch(), settings.recordDelay(), context.getSelf(), timers);
    this.breakers = new Breakers(manifest, settings.breaker(), context, timers, clock.instant());
    this.vacancies = new Vacancies(settings.vacancyHold(), timers);
  }

  /**
   * An agent with {@code manifest} running {@code action}, registered with the receptionist.
   *
   * <p>A record the journal refuses (it cannot be serialised) restarts the agent instead of
   * stopping it: the results of that record were delivered already, and one bad record must not
   * take the agent's capabilities away from every other run. Outputs are held to the payload limits
   * before they are recorded, so this is the last line, not the rule.
   */
  public static Behavior<AgentCommand> create(
      AgentManifest manifest, AgentAction action, WorkerSettings settings, Clock clock) {
    return Behaviors.supervise(
            Behaviors.<AgentCommand>setup(
                context -> {
                  context
                      .getSystem()
                      .receptionist()
                      .tell(Receptionist.register(AgentCommand.SERVICE_KEY, context.getSelf()));
                  return Behaviors.<AgentCommand>withTimers(
                      timers ->
                          new WorkerAgent(context, timers, manifest, action, settings, clock));
                }))
        .onFailure(EventRejectedException.class, SupervisorStrategy.restart());
  }

  @Override
  public WorkerState emptyState() {
    return WorkerState.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Snapshots bound recovery time; events are never deleted (see DESIGN.md's known traps).
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public CommandHandlerWithReply<AgentCommand, Event, WorkerState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Assign.class, this::onAssign)
        .onCommand(Cancel.class, this::onCancel)
        .onCommand(Release.class, this::onRelease)
        .onCommand(Drain.class, (state, drain) -> onDrain(drain))
        .onCommand(GetManifest.class, (state, get) -> Effect().reply(get.replyTo(), manifest))
        .onCommand(WatchBreakers.class, this::onWatchBreakers)
        .onCommand(ActionFinished.class, this::onActionFinished)
        .onCommand(Beat.class, this::onBeat)
        .onCommand(Flush.class, (state, flush) -> onFlush())
        .onCommand(HoldLapsed.class, this::onHoldLapsed)
        .onCommand(BreakerWatcherGone.class, this::onBreakerWatcherGone)
        .onCommand(BreakerDue.class, (state, due) -> onBreakerDue())
        .build();
  }

  private ReplyEffect<Event, WorkerState> onAssign(WorkerState state, Assign assign) {
    Assignment assignment = assign.assignment();
    String key = assignment.idempotencyKey();
    Optional<AssignmentResult> known = unrecorded.result(key).or(() -> state.result(key));
    if (known.isPresent()) {
      return Effect().reply(assign.replyTo(), new Finished(known.get(), load()));
    }
    List<ActorRef<AgentReply>> waiting = inFlight.get(key);
    if (waiting != null) {
      waiting.add(assign.replyTo());
      return Effect().reply(assign.replyTo(), accepted(key));
    }
    if (state.startedUnsafe(key)) {
      return outcomeUnknown(assign);
    }
    if (drainWaiters != null) {
      // Its dispatcher sends it elsewhere; the agent leaves with its node.
      return Effect().reply(assign.replyTo(), rejected(key, "leaving", null));
    }
    if (!manifest.serves(assignment.capability())) {
      return Effect()
          .reply(
              assign.replyTo(),
              rejected(
                  key, "capability '" + assignment.capability() + "' is not served here", null));
    }
    Instant now = clock.instant();
    Optional<BreakerOpen> open = breakers.refusal(assignment, now);
    if (open.isPresent()) {
      return Effect()
          .reply(assign.replyTo(), rejected(key, Breakers.reason(open.get()), open.get()));
    }
    if (!vacancies.take(assign.replyTo(), inFlight.size(), manifest.maxConcurrent())) {
      return Effect().reply(assign.replyTo(), rejected(key, "busy", null));
    }
    breakers.admit(assignment, now);
    List<ActorRef<AgentReply>> waiters = new ArrayList<>();
    waiters.add(assign.replyTo());
    inFlight.put(key, waiters);
    if (unsafe(assignment)) {
      // Recorded before it runs: after a crash, "it may have happened" is known, not guessed.
      return Effect()
          .persist(new UnsafeCallStarted(key, now))
          .thenRun(recorded -> runner.start(assignment))
          .thenReply(assign.replyTo(), recorded -> accepted(key));
    }
    runner.start(assignment);
    return Effect().reply(assign.replyTo(), accepted(key));
  }

  private boolean unsafe(Assignment assignment) {
    ToolSpec tool = manifest.tools().get(assignment.capability());
    return tool != null && tool.effect() == ToolEffect.UNSAFE;
  }

  /**
   * An attempt of an unsafe tool that started before the agent stopped, and whose result was never
   * recorded, is sent again: it is not run twice. Its outcome is unknown, and recorded as such, so
   * the step waits for a person to say whether it happened.
   */
  private ReplyEffect<Event, WorkerState> outcomeUnknown(Assign assign) {
    Assignment assignment = assign.assignment();
    context
        .getLog()
        .warn(
            "attempt {} of unsafe tool '{}' started before a stop and has no recorded result:"
                + " not run again",
            assignment.idempotencyKey(),
            assignment.capability());
    AssignmentResult result =
        AssignmentResult.of(
            assignment, manifest.agentId(), UnsafeOutcomes.startedBeforeAStop(assignment));
    unrecorded.add(result);
    return Effect().reply(assign.replyTo(), new Finished(result, load()));
  }

  private ReplyEffect<Event, WorkerState> onActionFinished(
      WorkerState state, ActionFinished finished) {
    if (runner.dropsOutcome(finished.assignment().idempotencyKey())) {
      // Its attempt was cancelled and answered for already.
      return Effect().noReply();
    }
    Assignment assignment = finished.assignment();
    return finish(
        assignment,
        unsafe(assignment)
            ? UnsafeOutcomes.ofCall(assignment, finished.outcome())
            : finished.outcome());
  }

  private ReplyEffect<Event, WorkerState> onCancel(WorkerState state, Cancel cancel) {
    Optional<Assignment> attempt = runner.cancel(cancel.idempotencyKey());
    if (attempt.isEmpty()) {
      return Effect().noReply();
    }
    return finish(
        attempt.get(),
        new StepOutcome.Failed(
            StepError.of(ErrorClass.CANCELLED, "withdrawn by its run"), Usage.NONE));
  }

  private ReplyEffect<Event, WorkerState> onBeat(WorkerState state, Beat beat) {
    List<ActorRef<AgentReply>> waiters = inFlight.get(beat.idempotencyKey());
    if (waiters != null) {
      Alive alive = new Alive(beat.idempotencyKey(), manifest.agentId(), load());
      waiters.forEach(w -> w.tell(alive));
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, WorkerState> onRelease(WorkerState state, Release release) {
    vacancies.released(release.sender()).ifPresent(this::offer);
    return Effect().noReply();
  }

  private ReplyEffect<Event, WorkerState> onHoldLapsed(WorkerState state, HoldLapsed lapsed) {
    vacancies.lapsed(lapsed.hold()).ifPresent(this::offer);
    return Effect().noReply();
  }

  private ReplyEffect<Event, WorkerState> onWatchBreakers(WorkerState state, WatchBreakers watch) {
    breakers.watch(watch.watcher());
    return Effect().noReply();
  }

  private ReplyEffect<Event, WorkerState> onBreakerWatcherGone(
      WorkerState state, BreakerWatcherGone gone) {
    breakers.watcherGone(gone.watcher());
    return Effect().noReply();
  }

  private ReplyEffect<Event, WorkerState> onBreakerDue() {
    breakers.due(clock.instant());
    return Effect().noReply();
  }

  private ReplyEffect<Event, WorkerState> finish(Assignment assignment, StepOutcome outcome) {
    AssignmentResult result = AssignmentResult.of(assignment, manifest.agentId(), outcome);
    String key = result.idempotencyKey();
    // Only the reply carries the log: it is the run's to store, not part of the agent's record.
    List<LogLine> log = runner.takeLog(key, outcome);
    runner.ended(key);
    breakers.record(assignment, outcome, clock.instant());
    List<ActorRef<AgentReply>> waiters = inFlight.remove(key);
    // A leaving agent offers no slot: nothing more will be accepted.
    Optional<ActorRef<AgentReply>> next =
        drainWaiters != null
            ? Optional.empty()
            : vacancies.freed(waiters == null ? null : waiters.get(0));
    if (waiters != null) {
      Finished reply = new Finished(result, load(), log);
      waiters.forEach(waiter -> waiter.tell(reply));
    }
    next.ifPresent(this::offer);
    answerDrainWaiters();
    // The result went out at once; its record follows shortly, with others. The record is what
    // answers a repeated assignment after a restart: losing the last few milliseconds of records
    // in a crash only means those attempts may run again, which at-least-once allows.
    unrecorded.add(result);
    return Effect().noReply();
  }

  private ReplyEffect<Event, WorkerState> onFlush() {
    List<AssignmentResult> batch = unrecorded.flush();
    if (batch.isEmpty()) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new ResultsRecorded(batch, clock.instant()))
        .thenRun(state -> unrecorded.recorded(batch))
        .thenNoReply();
  }

  private ReplyEffect<Event, WorkerState> onDrain(Drain drain) {
    if (drainWaiters == null) {
      context
          .getLog()
          .info("agent {} leaves: {} assignments in flight", manifest.agentId(), inFlight.size());
      drainWaiters = new ArrayList<>();
    }
    drainWaiters.add(drain.replyTo());
    answerDrainWaiters();
    return Effect().noReply();
  }

  private void answerDrainWaiters() {
    if (drainWaiters != null && inFlight.isEmpty()) {
      Drained drained = new Drained(manifest.agentId());
      drainWaiters.forEach(waiter -> waiter.tell(drained));
      drainWaiters.clear();
      // Recorded at once: the node stops right after.
      context.getSelf().tell(Flush.INSTANCE);
    }
  }

  /** Tells {@code sender} of the slot held for it; the load it hears leaves that slot out. */
  private void offer(ActorRef<AgentReply> sender) {
    sender.tell(new Vacancy(manifest.agentId(), load() - 1));
  }

  private int load() {
    return inFlight.size() + vacancies.held();
  }

  private Accepted accepted(String key) {
    return new Accepted(key, manifest.agentId(), load());
  }

  private Rejected rejected(String key, String reason, BreakerOpen breaker) {
    return new Rejected(key, manifest.agentId(), reason, load(), breaker);
  }

  @Override
  public EventHandler<WorkerState, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            ResultsRecorded.class,
            (state, recorded) -> state.record(recorded.results(), settings.resultRetention()))
        .onEvent(
            UnsafeCallStarted.class,
            (state, started) -> state.unsafeCallStarted(started.idempotencyKey()))
        .build();
  }
}
