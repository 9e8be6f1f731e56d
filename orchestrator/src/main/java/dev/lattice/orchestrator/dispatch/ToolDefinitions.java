package dev.lattice.orchestrator.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.ToolSpec;
import java.util.Map;

/**
 * Completes a tool loop's turn as it goes to its agent: the run names each tool and its capability;
 * the description and argument schema come from the agent directory, as the agents serving the
 * capability announced them. Done on sending, not on queueing, so the dispatcher's journal keeps
 * the short form and an agent that describes its tools anew is heard at once.
 */
final class ToolDefinitions {
  private static final String CAPABILITY = "capability";

  private ToolDefinitions() {}

  /**
   * {@code assignment} with its tools described from {@code specs}; as it is when it offers none by
   * capability. A tool whose capability no agent describes goes without description and schema: the
   * action refuses it, naming it (a capability without a schema cannot be offered as a tool).
   */
  static Assignment complete(Assignment assignment, Map<String, ToolSpec> specs) {
    JsonNode input = assignment.input();
    JsonNode tools = input == null ? null : input.get("tools");
    if (tools == null || !tools.isArray() || !tools.path(0).has(CAPABILITY)) {
      return assignment;
    }
    ObjectNode completed = ((ObjectNode) input).deepCopy();
    ArrayNode described = completed.putArray("tools");
    for (JsonNode tool : tools) {
      ObjectNode definition = described.addObject().put("name", tool.path("name").asText());
      ToolSpec spec = specs.get(tool.path(CAPABILITY).asText());
      if (spec != null) {
        definition.put("description", spec.description());
        definition.set("parameters", spec.inputSchema());
      }
    }
    return assignment.withInput(completed);
  }
}
