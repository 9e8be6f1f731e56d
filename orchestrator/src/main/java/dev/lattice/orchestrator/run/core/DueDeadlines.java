package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.plan.StepTimeouts;
import dev.lattice.protocol.run.RunCause;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.StepStatus;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * What a run does when one of its deadlines ({@link RunDeadlines}) falls due. Pure, like {@link
 * RunProgress}, whose rules decide what follows.
 */
public final class DueDeadlines {
  private final RunProgress progress;

  public DueDeadlines(RunProgress progress) {
    this.progress = progress;
  }

  /**
   * The events for a deadline that fell due: a retry dispatched, a wait ended, an attempt timed out
   * (and maybe retried), or the run failed for its own deadline. None if it no longer applies (the
   * step moved on, the attempt finished, the run ended).
   */
  public Decided due(RunState state, RunDeadline deadline, Instant now, DoubleSupplier random) {
    if (!RunProgress.live(state) || now.isBefore(deadline.at())) {
      return Decided.NOTHING;
    }
    return switch (deadline.kind()) {
      case RETRY -> progress.retryDue(state, deadline.stepId(), deadline.attempt(), now);
      case WAIT -> waitDue(state, deadline.stepId(), now);
      case SCHEDULE_TO_START, START_TO_CLOSE, HEARTBEAT -> timedOut(state, deadline, now, random);
      case RUN ->
          progress.followedBy(
              state,
              new RunChange.RunFailed(
                  new RunCause(
                      null,
                      ErrorClass.TIMEOUT,
                      "the run's deadline of " + state.plan().deadlineMs() + " ms passed",
                      0),
                  now),
              now);
    };
  }

  private Decided waitDue(RunState state, String stepId, Instant now) {
    StepState step = state.step(stepId);
    if (state.status() != RunStatus.RUNNING
        || step.status() != StepStatus.WAITING
        || step.waitUntil() == null) {
      return Decided.NOTHING;
    }
    StepSpec spec = state.spec(stepId);
    if (spec.signal() == null) {
      ObjectNode output = JsonNodeFactory.instance.objectNode().put("waitedMs", spec.durationMs());
      return progress.followedBy(
          state, new RunChange.StepSucceeded(stepId, 1, null, null, output, Usage.NONE, now), now);
    }
    // A wait is not retried: waiting again would only wait longer.
    StepError error =
        StepError.of(
            ErrorClass.TIMEOUT,
            "no signal '" + spec.signal() + "' within " + spec.durationMs() + " ms");
    return progress.followedBy(
        state, new RunChange.StepFailed(stepId, 1, null, null, error, Usage.NONE, now), now);
  }

  private Decided timedOut(
      RunState state, RunDeadline deadline, Instant now, DoubleSupplier random) {
    StepState step = state.step(deadline.stepId());
    boolean inFlight =
        step.status() == StepStatus.DISPATCHED
            || (step.status() == StepStatus.RUNNING
                && deadline.kind() != RunDeadline.Kind.SCHEDULE_TO_START);
    StepSpec spec = state.spec(step.id());
    StepTimeouts limits = spec.timeouts();
    boolean limited =
        switch (deadline.kind()) {
          case SCHEDULE_TO_START -> limits != null && limits.scheduleToStartMs() != null;
          case HEARTBEAT -> limits != null && limits.heartbeatMs() != null;
          default -> true;
        };
    if (!inFlight || !limited || step.attempt() != deadline.attempt()) {
      return Decided.NOTHING;
    }
    String why =
        switch (deadline.kind()) {
          case SCHEDULE_TO_START ->
              "no agent picked up attempt "
                  + step.attempt()
                  + " within "
                  + spec.timeouts().scheduleToStartMs()
                  + " ms";
          case HEARTBEAT ->
              "attempt "
                  + step.attempt()
                  + " sent no heartbeat for "
                  + spec.timeouts().heartbeatMs()
                  + " ms";
          default ->
              "attempt "
                  + step.attempt()
                  + " did not finish within "
                  + progress.assignments().ttl(spec).toMillis()
                  + " ms (its agent did not report)";
        };
    return progress.attemptFailed(
        state, step.id(), StepError.of(ErrorClass.TIMEOUT, why), now, random);
  }
}
