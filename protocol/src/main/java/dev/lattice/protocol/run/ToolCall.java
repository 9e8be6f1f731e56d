package dev.lattice.protocol.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.json.CanonicalJson;

/**
 * One tool call a model asked for in a turn of a tool loop.
 *
 * @param id the id the model gave it
 * @param name the tool's name as the model called it
 * @param capability the capability that runs it; null when the name offered no tool
 * @param stepId the step that runs it
 * @param arguments its arguments; null when the model's were not a JSON object
 * @param refusal why it is not run, told to the model as its answer; null when it runs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolCall(
    String id, String name, String capability, String stepId, JsonNode arguments, String refusal) {
  public ToolCall {
    arguments = CanonicalJson.of(arguments);
  }
}
