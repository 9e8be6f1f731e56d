package dev.lattice.orchestrator.run.core;

import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.plan.StepTimeouts;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.time.SaturatingTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The deadlines a run's state implies, all from persisted times: a pure function, so the live
 * entity and a recovered one arm the same timers. While the run is paused only the run deadline and
 * the time limits of attempts already in flight count; retries and waits are armed again on resume.
 */
public final class RunDeadlines {
  private RunDeadlines() {}

  /**
   * @param grace how much longer than its own time limit the run gives an attempt before it decides
   *     the agent is lost (the agent enforces the limit itself and reports first)
   */
  public static List<RunDeadline> of(RunState state, RunProgress progress, Duration grace) {
    List<RunDeadline> deadlines = new ArrayList<>();
    if (state.status() != RunStatus.RUNNING && state.status() != RunStatus.PAUSED) {
      return deadlines;
    }
    boolean running = state.status() == RunStatus.RUNNING;
    Long runLimit = state.plan().deadlineMs();
    if (runLimit != null) {
      deadlines.add(
          new RunDeadline(
              RunDeadline.Kind.RUN,
              null,
              0,
              SaturatingTime.plusMillis(state.startedAt(), runLimit)));
    }
    for (StepState step : state.stepStates()) {
      StepSpec spec = state.spec(step.id());
      if (spec.runsParts()) {
        // Its turns and calls have the deadlines; the loop itself waits on them.
        continue;
      }
      StepTimeouts limits = spec.timeouts();
      switch (step.status()) {
        case RETRY_WAIT -> {
          if (running) {
            deadlines.add(
                new RunDeadline(
                    RunDeadline.Kind.RETRY, step.id(), step.attempt() + 1, step.retryDueAt()));
          }
        }
        case WAITING -> {
          if (running && step.waitUntil() != null) {
            deadlines.add(
                new RunDeadline(
                    RunDeadline.Kind.WAIT, step.id(), step.attempt(), step.waitUntil()));
          }
        }
        case DISPATCHED -> {
          if (limits != null && limits.scheduleToStartMs() != null) {
            deadlines.add(
                new RunDeadline(
                    RunDeadline.Kind.SCHEDULE_TO_START,
                    step.id(),
                    step.attempt(),
                    SaturatingTime.plusMillis(step.changedAt(), limits.scheduleToStartMs())));
          }
        }
        case RUNNING -> {
          if (step.startedAt() != null) {
            deadlines.add(
                new RunDeadline(
                    RunDeadline.Kind.START_TO_CLOSE,
                    step.id(),
                    step.attempt(),
                    SaturatingTime.plus(
                        SaturatingTime.plus(step.startedAt(), progress.assignments().ttl(spec)),
                        grace)));
          }
        }
        default -> {
          // Nothing falls due for steps in other statuses.
        }
      }
    }
    return deadlines;
  }
}
