package dev.lattice.orchestrator.run;

import dev.lattice.orchestrator.logging.LogContext;
import dev.lattice.orchestrator.run.core.Decided;
import dev.lattice.orchestrator.run.core.RunState;
import dev.lattice.orchestrator.run.core.StepState;
import dev.lattice.orchestrator.runlog.RunLogSink;
import dev.lattice.persistence.runlog.RunLogChunk;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.log.LogLevel;
import dev.lattice.protocol.plan.StepTimeouts;
import dev.lattice.protocol.run.RunCause;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunTrace;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepStatus;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.slf4j.Logger;

/**
 * What one run does outside its journal once its state changed, and only then: hands the attempts a
 * write dispatched to their dispatchers, arms the timers the new state implies, pushes the events
 * to followers, writes what they mean to the run's own log ({@link RunLogLines}) and answers those
 * waiting for the end. After a recovery or a resume it carries on with what was in flight.
 */
final class RunSideEffects {
  private final RunFollowers followers;
  private final RunAttempts attempts;
  private final RunTimers runTimers;
  private final StartNotices starts;
  private final TimerScheduler<RunEntity.Command> timers;
  private final Duration passivateAfterTerminal;
  private final EffectFactories<RunChange, RunState> effects;
  private final LongSupplier lastSeqNr;
  private final ChildRuns children;
  private final RunTelemetry telemetry;
  private final RunLogSink runLogs;
  private final LogLevel runLogLevel;
  private final Logger log;

  /**
   * @param effects the entity's effects, the only way to write under enforced replies
   * @param lastSeqNr the sequence number of the entity's latest event
   * @param children where a child run's end is reported to its parent
   * @param telemetry counts runs started and ended, and traces them
   * @param runLogs where the run writes to its own log, what is at {@code runLogLevel} or above
   * @param log the node's log, which hears of runs that fail or are cancelled
   */
  RunSideEffects(
      RunFollowers followers,
      RunAttempts attempts,
      RunTimers runTimers,
      StartNotices starts,
      TimerScheduler<RunEntity.Command> timers,
      Duration passivateAfterTerminal,
      EffectFactories<RunChange, RunState> effects,
      LongSupplier lastSeqNr,
      ChildRuns children,
      RunTelemetry telemetry,
      RunLogSink runLogs,
      LogLevel runLogLevel,
      Logger log) {
    this.followers = followers;
    this.attempts = attempts;
    this.runTimers = runTimers;
    this.starts = starts;
    this.timers = timers;
    this.passivateAfterTerminal = passivateAfterTerminal;
    this.effects = effects;
    this.lastSeqNr = lastSeqNr;
    this.children = children;
    this.telemetry = telemetry;
    this.runLogs = runLogs;
    this.runLogLevel = runLogLevel;
    this.log = log;
  }

  /**
   * Writes {@code decided}, decided on {@code before}, then does what follows; nothing if empty.
   */
  ReplyEffect<RunChange, RunState> persist(RunState before, Decided decided) {
    if (decided.isEmpty()) {
      return effects.noReply();
    }
    return effects
        .persist(decided.events())
        .thenRun(next -> written(before, decided, next))
        .thenNoReply();
  }

  /**
   * {@code decided} was written: {@code before} is the state it was decided on, {@code state} the
   * state after it.
   */
  void written(RunState before, Decided decided, RunState state) {
    long lastSeq = lastSeqNr.getAsLong();
    followers.publish(decided.events(), lastSeq);
    for (RunLogChunk chunk : RunLogLines.of(state.runId(), decided.events(), runLogLevel)) {
      runLogs.append(chunk);
    }
    followers.settled(state);
    for (String stepId : decided.dispatched()) {
      attempts.send(state, stepId);
    }
    starts.forgetEnded(state);
    runTimers.sync(state);
    attempts.manageRedelivery(state);
    if (state.terminal() && !before.terminal()) {
      // Attempts still queued or running are of no use any more: take them back, best-effort.
      attempts.withdrawAll(state);
    }
    for (RunChange change : decided.events()) {
      if (change instanceof RunChange.RunStarted) {
        telemetry.started(state.tenant().value());
      }
    }
    if (state.terminal() && !before.terminal()) {
      telemetry.ended(state);
      logEnd(state);
    }
    if (state.terminal()) {
      RunView view = state.view(lastSeq);
      followers.ended(view);
      if (!before.terminal() && state.spec().parent() != null) {
        children.ended(state.spec().parent(), view);
      }
      passivateSoon();
    }
    for (RunChange change : decided.events()) {
      if (change instanceof RunChange.RunPaused paused && state.status() == RunStatus.PAUSED) {
        attempts.interveneInChildren(
            state, InterventionType.PAUSE, pausedBy(paused.actor()), paused.reason());
      } else if (change instanceof RunChange.RunResumed resumed) {
        attempts.interveneInChildren(
            state, InterventionType.RESUME, "its parent run was resumed", resumed.reason());
        // A resume re-sends what is in flight and re-arms what paused.
        carryOn(state);
      }
    }
  }

  /**
   * A run that did not complete is worth a line of the node's log (at debug for one that did: at a
   * thousand runs a second, a line each would be the log's whole content).
   */
  private void logEnd(RunState state) {
    RunCause cause = state.cause();
    String stepId = cause == null ? null : cause.stepId();
    RunTrace trace = state.spec().trace();
    try (LogContext ids =
        LogContext.run(
            state.runId().value(),
            state.tenant().value(),
            stepId,
            trace == null ? null : trace.traceId())) {
      if (state.status() == RunStatus.COMPLETED) {
        log.debug("run {} completed", state.runId().value());
      } else if (cause == null) {
        log.info("run {} {}", state.runId().value(), state.status().wire());
      } else {
        log.info(
            "run {} {}: step {}, {} after {} attempts: {}",
            state.runId().value(),
            state.status().wire(),
            cause.stepId(),
            cause.errorClass() == null ? "-" : cause.errorClass().wire(),
            cause.attempts(),
            cause.message());
      }
    }
  }

  private static String pausedBy(String actor) {
    return "its parent run was paused by " + actor;
  }

  /** A finished run, or one that never started, does not stay in memory for long. */
  void passivateSoon() {
    timers.startSingleTimer(RunEntity.Passivate.INSTANCE, passivateAfterTerminal);
  }

  /**
   * Re-sends what is in flight (dispatchers and agents drop keys they already have) and arms the
   * timers of every deadline from its persisted time: after a recovery, and after a resume.
   */
  void carryOn(RunState state) {
    for (StepState step : state.stepStates()) {
      if (state.inFlight(step)) {
        attempts.send(state, step.id());
      }
      if (step.status() == StepStatus.RUNNING && state.inFlight(step)) {
        // Heartbeats are not persisted: a recovered run counts from now.
        heard(state, step.id(), step.attempt());
      }
    }
    runTimers.sync(state);
    attempts.manageRedelivery(state);
  }

  /** Moves the heartbeat deadline of a live attempt that asks for heartbeats. */
  void heard(RunState state, String stepId, int attempt) {
    StepState step = state.step(stepId);
    if (step == null || step.attempt() != attempt || state.terminal()) {
      return;
    }
    StepTimeouts limits = state.spec(stepId).timeouts();
    if (limits != null && limits.heartbeatMs() != null) {
      runTimers.heard(stepId, attempt, Duration.ofMillis(limits.heartbeatMs()));
    }
  }
}
