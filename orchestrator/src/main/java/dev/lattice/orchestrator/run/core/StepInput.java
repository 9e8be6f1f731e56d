package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.orchestrator.plan.InputTemplate;
import dev.lattice.orchestrator.plan.StepContext;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.plan.SubPlanPart;
import dev.lattice.protocol.run.RunChange;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a step reads: its resolved input, and the context its expressions see. Pure. */
final class StepInput {
  private StepInput() {}

  /**
   * A step's resolved input: its template with placeholders filled; without a template, the payload
   * for a step without dependencies (the element, for the first steps of a map's element),
   * otherwise the dependencies' outputs keyed by step id (a deterministic join, whatever order they
   * finished in; by sub-plan id within a map's element or a loop's iteration).
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
      return InputTemplate.resolve(step.input(), context(state, step));
    }
    SubPlanPart part = step.within();
    if (step.dependsOn().isEmpty()) {
      // A map's element's first steps get the element; a loop's, like the plan's, the payload.
      return part != null && state.spec(part.step()).kind() == StepKind.MAP
          ? element(state, state.spec(part.step()), part.index())
          : state.payload();
    }
    ObjectNode joined = JsonNodeFactory.instance.objectNode();
    for (String dependency : step.dependsOn()) {
      String key = part == null ? dependency : state.spec(dependency).within().subStep();
      joined.set(key, state.step(dependency).output());
    }
    return joined;
  }

  /**
   * Element {@code index} of {@code map}, as the input of its first steps: like a value a template
   * brings in, it may not name a secret, since the list may be data from outside.
   */
  private static JsonNode element(RunState state, StepSpec map, int index) {
    JsonNode item = SubPlanContext.item(state, map, index);
    if (InputTemplate.namesSecret(item)) {
      throw new IllegalArgumentException(
          "element "
              + index
              + " of map '"
              + map.id()
              + "' holds a secret reference ("
              + InputTemplate.SECRET_REFERENCE
              + "...}); secrets may be named in a step's input as written in the plan only");
    }
    return item;
  }

  /** What {@code step}'s templates and expressions see: its part's context, if it is in one. */
  static ObjectNode context(RunState state, StepSpec step) {
    SubPlanPart part = step.within();
    ObjectNode context =
        part == null
            ? context(state)
            : SubPlanContext.of(state, state.spec(part.step()), part.index());
    // The run's shared state as this step sees it (its own private keys included).
    context.set("state", state.variablesFor(step.id()));
    return context;
  }

  /**
   * What templates, transforms and gates of the plan's own steps see: the run's ids, its payload
   * and the outputs so far.
   */
  static ObjectNode context(RunState state) {
    Map<String, JsonNode> outputs = new LinkedHashMap<>();
    for (StepSpec step : state.plan().steps()) {
      JsonNode output = state.step(step.id()).output();
      // The steps of maps' elements and loops' iterations are seen from their own part only.
      if (output != null && step.within() == null) {
        outputs.put(step.id(), output);
      }
    }
    return StepContext.of(state.runId().value(), state.tenant().value(), state.payload(), outputs);
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
