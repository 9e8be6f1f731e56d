package dev.lattice.orchestrator.run;

import dev.lattice.orchestrator.run.core.RunProgress;
import dev.lattice.orchestrator.run.core.RunState;
import dev.lattice.orchestrator.run.core.StepState;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.ids.BusKey;
import dev.lattice.protocol.run.RunStatus;
import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One run's attempts on their way to agents: handing them to their dispatchers, re-sending the ones
 * nobody has picked up yet, and taking back the ones the run no longer wants.
 */
final class RunAttempts {
  private final RunServices services;
  private final TimerScheduler<RunEntity.Command> timers;

  RunAttempts(RunServices services, TimerScheduler<RunEntity.Command> timers) {
    this.services = services;
    this.timers = timers;
  }

  /** Hands the latest attempt of {@code stepId} to its dispatcher (which drops keys it has). */
  void send(RunState state, String stepId) {
    RunProgress progress = services.progress();
    services
        .assignments()
        .enqueue(
            progress.assignments().busKey(state, state.spec(stepId)),
            progress.assignments().assignment(state, stepId));
  }

  /**
   * Sends again every attempt that is out: it may have been lost on its way, or its result on the
   * way back (a dispatcher, or this run, that moved or restarted after a node went down). The
   * dispatcher ignores keys it has in hand and repeats the result of those it finished.
   */
  void redeliver(RunState state) {
    if (state.status() == RunStatus.RUNNING) {
      for (StepState step : state.stepStates()) {
        if (state.inFlight(step)) {
          send(state, step.id());
        }
      }
    }
    manageRedelivery(state);
  }

  /**
   * Answers a restarted dispatcher ({@code busKey}) that found attempt {@code attempt} of {@code
   * stepId} in flight: sent again if this run still has it out, taken back otherwise (the run
   * already has its result, moved on to another attempt, or ended).
   */
  void confirm(RunState state, String stepId, int attempt, BusKey busKey) {
    StepState step = state.exists() ? state.step(stepId) : null;
    boolean wanted =
        step != null
            && step.attempt() == attempt
            && state.inFlight(step)
            && (state.status() == RunStatus.RUNNING || state.status() == RunStatus.PAUSED);
    if (wanted) {
      send(state, stepId);
    } else {
      services.assignments().withdraw(busKey, Assignment.keyOf(state.runId(), stepId, attempt));
    }
  }

  /** Takes back attempt {@code attempt} of {@code stepId}, best-effort. */
  void withdraw(RunState state, String stepId, int attempt) {
    services
        .assignments()
        .withdraw(
            services.progress().assignments().busKey(state, state.spec(stepId)),
            Assignment.keyOf(state.runId(), stepId, attempt));
  }

  /** A run that ended takes back whatever is still queued or running. */
  void withdrawAll(RunState state) {
    for (StepState step : state.stepStates()) {
      if (state.inFlight(step)) {
        withdraw(state, step.id(), step.attempt());
      }
    }
  }

  /**
   * Keeps the redelivery timer running while an attempt is out (dispatched or running): the
   * attempt, or its result, may have been lost on its way (a dispatcher, or this run, that moved or
   * restarted after a node went down).
   */
  void manageRedelivery(RunState state) {
    boolean waiting =
        state.status() == RunStatus.RUNNING
            && state.stepStates().stream().anyMatch(state::inFlight);
    if (waiting && !timers.isTimerActive(RunEntity.Redeliver.INSTANCE)) {
      Duration interval = services.settings().redeliverInterval();
      timers.startTimerWithFixedDelay(RunEntity.Redeliver.INSTANCE, interval, interval);
    } else if (!waiting) {
      timers.cancel(RunEntity.Redeliver.INSTANCE);
    }
  }
}
