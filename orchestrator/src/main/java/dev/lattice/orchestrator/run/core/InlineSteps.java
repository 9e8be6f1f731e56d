package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.orchestrator.plan.GateCondition;
import dev.lattice.orchestrator.plan.TransformExpression;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.plan.GateFallback;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.time.SaturatingTime;
import java.time.Instant;

/**
 * The steps a run settles itself instead of sending them to an agent: a transform computes its
 * output, a gate passes, skips or fails, a wait starts waiting. Pure: each ready step becomes one
 * event, always attempt 1 (an inline step is not retried).
 */
final class InlineSteps {
  private final RunSettings settings;

  InlineSteps(RunSettings settings) {
    this.settings = settings;
  }

  /** The event of evaluating the ready inline step {@code step} at {@code now}. */
  RunChange evaluate(RunState state, StepSpec step, Instant now) {
    // A wait reads nothing, so it does not pay for building the context.
    ObjectNode context = step.kind() == StepKind.WAIT ? null : StepInput.context(state, step);
    try {
      return switch (step.kind()) {
        case TRANSFORM -> transform(step, context, now);
        case GATE -> gate(step, context, now);
        case WAIT -> waiting(step, now);
        default ->
            throw new IllegalStateException(
                "step kind " + step.kind().wire() + " is not supported by this version");
      };
    } catch (IllegalArgumentException e) {
      return StepInput.invalid(step.id(), 1, e, now);
    }
  }

  private RunChange transform(StepSpec step, ObjectNode context, Instant now) {
    JsonNode output =
        TransformExpression.compile(step.expression())
            .evaluate(context, settings.transformTimeout(), settings.transformMaxDepth());
    settings.payloadLimits().check(output, "the transform's output");
    return new RunChange.StepSucceeded(step.id(), 1, null, null, output, Usage.NONE, now);
  }

  private static RunChange gate(StepSpec step, ObjectNode context, Instant now) {
    boolean passed = GateCondition.compile(step.condition()).evaluate(context);
    if (!passed && step.onFalse() != GateFallback.SKIP) {
      return new RunChange.StepFailed(
          step.id(),
          1,
          null,
          null,
          StepError.of(
              ErrorClass.POLICY_DENIED,
              "gate '" + step.id() + "' condition '" + step.condition() + "' was false"),
          Usage.NONE,
          now);
    }
    ObjectNode output = JsonNodeFactory.instance.objectNode().put("passed", passed);
    return new RunChange.StepSucceeded(step.id(), 1, null, null, output, Usage.NONE, now);
  }

  private static RunChange waiting(StepSpec step, Instant now) {
    Instant until =
        step.durationMs() == null ? null : SaturatingTime.plusMillis(now, step.durationMs());
    return new RunChange.StepWaiting(step.id(), until, step.signal(), now);
  }
}
