package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.plan.StepSpec;

/**
 * What the steps of one element or iteration see, and what a loop's {@code until} sees: the run's
 * context, with {@code steps} also holding the part's own outputs under their sub-plan ids (which
 * win over a plan step of the same id); a map's element adds {@code item} and {@code index}, a
 * loop's iteration adds {@code iteration} and {@code previous} (the outputs of the iteration
 * before, keyed by sub-plan id; empty in the first). Pure.
 */
final class SubPlanContext {
  private SubPlanContext() {}

  static ObjectNode of(RunState state, StepSpec parent, int index) {
    ObjectNode context = StepInput.context(state);
    ObjectNode steps = (ObjectNode) context.get("steps");
    SubPlanParts.outputs(state, parent, index)
        .forEach((id, output) -> steps.putObject(id).set("output", output));
    if (parent.kind() == StepKind.MAP) {
      context.set("item", item(state, parent, index));
      context.put("index", index);
    } else {
      context.put("iteration", index);
      ObjectNode previous = context.putObject("previous");
      if (index > 1) {
        SubPlanParts.outputs(state, parent, index - 1)
            .forEach((id, output) -> previous.putObject(id).set("output", output));
      }
    }
    return context;
  }

  /** Element {@code index} of the list map step {@code parent} runs over. */
  static JsonNode item(RunState state, StepSpec parent, int index) {
    // The list's sources (the payload, outputs of steps that succeeded) never change, so it
    // resolves the same every time; the journal need not hold it again.
    return StepInput.resolve(state, parent).get(index);
  }
}
