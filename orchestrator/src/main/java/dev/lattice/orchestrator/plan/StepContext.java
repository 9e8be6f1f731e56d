package dev.lattice.orchestrator.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * What step inputs, transforms and gates can see: {@code {payload, steps: {ID: {output}}, run: {id,
 * tenant}}}, and, added by the run, {@code state}: the run's shared state the step sees. Outputs
 * are keyed by step id, never by completion order, so parallel branches merge deterministically.
 */
public final class StepContext {
  private StepContext() {}

  public static ObjectNode of(
      String runId, String tenant, JsonNode payload, Map<String, JsonNode> outputs) {
    JsonNodeFactory factory = JsonNodeFactory.instance;
    ObjectNode context = factory.objectNode();
    context.set("payload", payload == null ? factory.nullNode() : payload);
    ObjectNode steps = context.putObject("steps");
    outputs.forEach((id, output) -> steps.putObject(id).set("output", output));
    ObjectNode run = context.putObject("run");
    run.put("id", runId);
    run.put("tenant", tenant);
    return context;
  }
}
