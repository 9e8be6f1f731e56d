package dev.lattice.orchestrator.run;

import dev.lattice.orchestrator.run.core.RunProgress;
import dev.lattice.orchestrator.run.core.RunState;
import dev.lattice.orchestrator.run.core.StepState;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.ids.BusKey;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.run.ParentRun;
import dev.lattice.protocol.run.RunStatus;
import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One run's attempts on their way to agents: handing them to their dispatchers, re-sending the ones
 * nobody has picked up yet, and taking back the ones the run no longer wants.
 */
final class RunAttempts {
  /** Who intervenes in a child run when its parent run does, in the child's events. */
  static final String PARENT = "parent-run";

  private final RunServices services;
  private final TimerScheduler<RunEntity.Command> timers;

  RunAttempts(RunServices services, TimerScheduler<RunEntity.Command> timers) {
    this.services = services;
    this.timers = timers;
  }

  /**
   * Hands the latest attempt of {@code stepId} to its dispatcher (which drops keys it has), or for
   * a run step starts its child run (which a child already there ignores).
   */
  void send(RunState state, String stepId) {
    RunProgress progress = services.progress();
    if (state.spec(stepId).kind() == StepKind.RUN) {
      services.children().start(progress.assignments().child(state, stepId));
      return;
    }
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

  /**
   * Takes back attempt {@code attempt} of {@code stepId}, best-effort: a child run is cancelled.
   */
  void withdraw(RunState state, String stepId, int attempt) {
    if (state.spec(stepId).kind() == StepKind.RUN) {
      services
          .children()
          .intervene(
              ParentRun.childId(state.runId(), stepId, attempt),
              InterventionType.CANCEL,
              new Intervention(PARENT, "its parent run no longer waits for it"));
      return;
    }
    services
        .assignments()
        .withdraw(
            services.progress().assignments().busKey(state, state.spec(stepId)),
            Assignment.keyOf(state.runId(), stepId, attempt));
  }

  /**
   * A run that was paused or resumed ({@code type}) by {@code who} passes it on to the child runs
   * it waits for.
   */
  void interveneInChildren(RunState state, InterventionType type, String who, String reason) {
    for (StepState step : state.stepStates()) {
      if (state.inFlight(step) && state.spec(step.id()).kind() == StepKind.RUN) {
        services
            .children()
            .intervene(
                ParentRun.childId(state.runId(), step.id(), step.attempt()),
                type,
                new Intervention(PARENT, clip(who + (reason == null ? "" : ": " + reason))));
      }
    }
  }

  private static String clip(String reason) {
    return reason.length() <= Intervention.MAX_LENGTH
        ? reason
        : reason.substring(0, Intervention.MAX_LENGTH);
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
