package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.api.OverrideRequest;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.StepStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What people do to a run: pause, resume, cancel, signal a waiting step, override a step's outcome.
 * Pure, like {@link RunProgress}: each returns the events to persist, none when the run already is
 * where the intervention asks (so repeating one is harmless), and throws {@link
 * IllegalTransitionException} with a reason when the run's lifecycle does not allow it.
 */
public final class RunInterventions {
  private final RunProgress progress;

  public RunInterventions(RunProgress progress) {
    this.progress = progress;
  }

  /** Pause, resume or cancel; on resume, whatever became ready or settled meanwhile follows. */
  public Decided lifecycle(RunState state, InterventionType type, Intervention who, Instant now) {
    RunStatus target =
        switch (type) {
          case PAUSE -> RunStatus.PAUSED;
          case RESUME -> RunStatus.RUNNING;
          case CANCEL -> RunStatus.CANCELLED;
          default -> throw new IllegalArgumentException(type + " is not a lifecycle intervention");
        };
    if (state.status() == target) {
      return Decided.NOTHING;
    }
    RunLifecycle.transition(state.status(), target);
    RunChange change =
        switch (type) {
          case PAUSE -> new RunChange.RunPaused(who.actor(), who.reason(), now);
          case RESUME -> new RunChange.RunResumed(who.actor(), who.reason(), now);
          default -> new RunChange.RunCancelled(who.actor(), who.reason(), now);
        };
    return progress.followedBy(state, change, now);
  }

  /**
   * The signal {@code name}: completes the wait step waiting for it, with the signal's data as the
   * step's output. With several steps waiting for the same name at once, the request must say
   * which.
   */
  public Decided signal(RunState state, String name, SignalRequest request, Instant now) {
    // The approval of a planner's plan; a wait step of the plan may wait for the same name.
    if (Planning.APPROVAL_SIGNAL.equals(name) && Planning.waitingPlanner(state).isPresent()) {
      requireLive(state, "an approval");
      return progress.approvePlan(state, request, now);
    }
    JsonNode output =
        request.data() == null ? JsonNodeFactory.instance.objectNode() : request.data();
    List<StepSpec> named =
        state.plan().steps().stream()
            .filter(s -> s.kind() == StepKind.WAIT && name.equals(s.signal()))
            .filter(s -> request.stepId() == null || s.id().equals(request.stepId()))
            .toList();
    if (named.isEmpty()) {
      throw new IllegalTransitionException(
          request.stepId() == null
              ? "no step of this run waits for signal '" + name + "'"
              : "step '"
                  + request.stepId()
                  + "' of this run does not wait for signal '"
                  + name
                  + "'");
    }
    if (named.stream().anyMatch(s -> alreadyGot(state, s.id(), output))) {
      return Decided.NOTHING;
    }
    requireLive(state, "a signal");
    List<StepSpec> waiting =
        named.stream().filter(s -> state.step(s.id()).status() == StepStatus.WAITING).toList();
    if (waiting.isEmpty()) {
      StepSpec first = named.get(0);
      throw new IllegalTransitionException(
          "step '"
              + first.id()
              + "' is "
              + state.step(first.id()).status().wire()
              + ", not waiting for signal '"
              + name
              + "'");
    }
    if (waiting.size() > 1) {
      throw new IllegalTransitionException(
          "steps "
              + waiting.stream().map(StepSpec::id).toList()
              + " all wait for signal '"
              + name
              + "': say which with 'stepId'");
    }
    Intervention who = request.intervention();
    return progress.followedBy(
        state,
        new RunChange.StepSignalled(
            waiting.get(0).id(), name, output, who.actor(), who.reason(), now),
        now);
  }

  /** Completes a failed or waiting step (or one waiting for its retry) with a given output. */
  public Decided override(RunState state, String stepId, OverrideRequest request, Instant now) {
    StepState step = state.step(stepId);
    if (step == null) {
      throw new IllegalTransitionException("this run has no step '" + stepId + "'");
    }
    if (alreadyGot(state, stepId, request.output())) {
      return Decided.NOTHING;
    }
    requireLive(state, "an override");
    if (step.status() != StepStatus.FAILED
        && step.status() != StepStatus.RETRY_WAIT
        && step.status() != StepStatus.WAITING) {
      throw new IllegalTransitionException(
          "step '"
              + stepId
              + "' is "
              + step.status().wire()
              + "; only a failed or waiting step can be overridden");
    }
    Intervention who = request.intervention();
    return progress.followedBy(
        state,
        new RunChange.StepOverridden(stepId, request.output(), who.actor(), who.reason(), now),
        now);
  }

  /**
   * Sends again a step whose last attempt's outcome is unknown (an unsafe tool's call that may have
   * happened): a person decided it did not happen. The next attempt carries the same effect key.
   */
  public Decided retry(RunState state, String stepId, Intervention by, Instant now) {
    StepState step = state.step(stepId);
    if (step == null) {
      throw new IllegalTransitionException("this run has no step '" + stepId + "'");
    }
    if (step.status() == StepStatus.RETRY_WAIT || step.status().out()) {
      // A repeat of a retry already decided.
      return Decided.NOTHING;
    }
    requireLive(state, "a retry");
    if (step.status() != StepStatus.WAITING
        || step.error() == null
        || step.error().errorClass() != ErrorClass.UNKNOWN_OUTCOME) {
      throw new IllegalTransitionException(
          "step '"
              + stepId
              + "' is "
              + step.status().wire()
              + "; only a step whose outcome is unknown can be retried by hand");
    }
    return progress.followedBy(
        state,
        new RunChange.StepRetryScheduled(
            stepId, step.attempt() + 1, now, by.actor(), by.reason(), now),
        now);
  }

  /** Whether the step already succeeded with {@code output}: the request is a repeat. */
  private static boolean alreadyGot(RunState state, String stepId, JsonNode output) {
    StepState step = state.step(stepId);
    return step.status() == StepStatus.SUCCEEDED && Objects.equals(step.output(), output);
  }

  private static void requireLive(RunState state, String what) {
    if (!RunProgress.live(state)) {
      throw new IllegalTransitionException(
          "the run is " + state.status().wire() + "; " + what + " needs a running or paused run");
    }
  }
}
