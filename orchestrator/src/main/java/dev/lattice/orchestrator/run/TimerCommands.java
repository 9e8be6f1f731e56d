package dev.lattice.orchestrator.run;

import dev.lattice.orchestrator.run.core.Decided;
import dev.lattice.orchestrator.run.core.DueDeadlines;
import dev.lattice.orchestrator.run.core.RunDeadline;
import dev.lattice.orchestrator.run.core.RunState;
import dev.lattice.protocol.run.RunChange;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * How a run entity keeps time: agents' reports on attempts in flight move its timers (a start, a
 * heartbeat), and a timer that fires is decided by {@link DueDeadlines} and written. A start is
 * written on its own only if the attempt is still running after a short delay; a short attempt's
 * start is written with its outcome.
 */
final class TimerCommands {
  private final RunServices services;
  private final EffectFactories<RunChange, RunState> effects;
  private final TimerScheduler<RunEntity.Command> timers;
  private final RunTimers runTimers;
  private final StartNotices starts;
  private final RunAttempts attempts;
  private final RunSideEffects sideEffects;
  private final DueDeadlines dueDeadlines;
  private final SplittableRandom random = new SplittableRandom();

  /**
   * @param effects the entity's effects, the only way to answer under enforced replies
   */
  TimerCommands(
      RunServices services,
      EffectFactories<RunChange, RunState> effects,
      TimerScheduler<RunEntity.Command> timers,
      RunTimers runTimers,
      StartNotices starts,
      RunAttempts attempts,
      RunSideEffects sideEffects) {
    this.services = services;
    this.effects = effects;
    this.timers = timers;
    this.runTimers = runTimers;
    this.starts = starts;
    this.attempts = attempts;
    this.sideEffects = sideEffects;
    this.dueDeadlines = new DueDeadlines(services.progress());
  }

  ReplyEffect<RunChange, RunState> onReportStarted(RunState state, RunEntity.ReportStarted report) {
    // A start changes nothing downstream. A short attempt's start is recorded in its outcome's
    // event; only an attempt still running after a short delay gets a step.started of its own.
    starts.heard(report.stepId(), report.attempt(), report.agentId(), services.clock().instant());
    sideEffects.heard(state, report.stepId(), report.attempt());
    timers.startSingleTimer(
        "started-" + report.stepId(),
        new RunEntity.RecordStarted(report.stepId(), report.attempt()),
        services.settings().startedRecordDelay());
    return effects.noReply();
  }

  ReplyEffect<RunChange, RunState> onRecordStarted(RunState state, RunEntity.RecordStarted record) {
    return recordStart(state, record.stepId(), record.attempt());
  }

  ReplyEffect<RunChange, RunState> onReportHeartbeat(
      RunState state, RunEntity.ReportHeartbeat report) {
    sideEffects.heard(state, report.stepId(), report.attempt());
    return effects.noReply();
  }

  ReplyEffect<RunChange, RunState> onDue(RunState state, RunEntity.Due due) {
    RunDeadline deadline = due.deadline();
    if (!runTimers.fired(deadline)) {
      return effects.noReply();
    }
    if (deadline.kind() == RunDeadline.Kind.SCHEDULE_TO_START
        && starts.of(deadline.stepId(), deadline.attempt()) != null) {
      // An agent did pick it up; its start was just not written yet.
      return recordStart(state, deadline.stepId(), deadline.attempt());
    }
    Decided decided =
        dueDeadlines.due(state, deadline, services.clock().instant(), random::nextDouble);
    if (decided.isEmpty()) {
      return effects.noReply();
    }
    return effects
        .persist(decided.events())
        .thenRun(
            next -> {
              sideEffects.written(state, decided, next);
              if (deadline.kind().endsAttempt()) {
                // A timed-out attempt may still be queued or running somewhere: take it back. A
                // retry's deadline names the attempt it has just dispatched, and a wait's none.
                attempts.withdraw(state, deadline.stepId(), deadline.attempt());
              }
            })
        .thenNoReply();
  }

  /** Writes that an agent took the attempt, if it told the run so and it is still dispatched. */
  private ReplyEffect<RunChange, RunState> recordStart(RunState state, String stepId, int attempt) {
    StartNotices.Notice notice = starts.of(stepId, attempt);
    if (notice == null) {
      return effects.noReply();
    }
    return sideEffects.persist(
        state, services.progress().started(state, stepId, attempt, notice.agentId(), notice.at()));
  }
}
