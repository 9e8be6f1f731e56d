package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.orchestrator.plan.InputTemplate;
import dev.lattice.orchestrator.plan.StepContext;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.run.RunChange;
import java.time.Instant;

/** What a step reads: its resolved input, and the context its expressions see. Pure. */
final class StepInput {
  private StepInput() {}

  /**
   * A step's resolved input: its template with placeholders filled; without a template, the payload
   * for a step without dependencies, otherwise the dependencies' outputs keyed by step id (a
   * deterministic join, whatever order they finished in).
   */
  static JsonNode resolve(RunState state, StepSpec step) {
    if (step.partOf() != null) {
      // A tool call's arguments are the model's data, never a template to fill; a planner's turn
      // holds its conversation.
      if (Planning.plannerTurn(state, step)) {
        return step.input();
      }
      return step.partOf().turnStep()
          ? ToolConversation.input(state, step.partOf())
          : step.input() == null ? JsonNodeFactory.instance.objectNode() : step.input();
    }
    if (step.input() != null) {
      return InputTemplate.resolve(step.input(), context(state, step.id()));
    }
    if (step.dependsOn().isEmpty()) {
      return state.payload();
    }
    ObjectNode joined = JsonNodeFactory.instance.objectNode();
    for (String dependency : step.dependsOn()) {
      joined.set(dependency, state.step(dependency).output());
    }
    return joined;
  }

  /**
   * What the templates, transforms and gates of step {@code reader} see: the run's ids, its
   * payload, the outputs so far, and the shared state the step sees.
   */
  static ObjectNode context(RunState state, String reader) {
    ObjectNode context =
        StepContext.of(
            state.runId().value(), state.tenant().value(), state.payload(), state.outputs());
    context.set("state", state.variablesFor(reader));
    return context;
  }

  /** The failure of a step whose input (or inline evaluation) is invalid: never retried. */
  static RunChange.StepFailed invalid(
      String stepId, int attempt, IllegalArgumentException e, Instant now) {
    return new RunChange.StepFailed(
        stepId,
        attempt,
        null,
        null,
        StepError.of(ErrorClass.INVALID_INPUT, e.getMessage()),
        Usage.NONE,
        now);
  }
}
