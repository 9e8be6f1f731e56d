package dev.lattice.worker.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.agent.ToolEffect;
import dev.lattice.protocol.agent.ToolSpec;
import io.modelcontextprotocol.spec.McpSchema;

/** How an MCP server's tool is offered as a Lattice tool. */
final class McpTools {
  private McpTools() {}

  /**
   * The tool's description and argument schema as the server lists them, and its effect: the
   * server's configuration first, else idempotent when the server marks it read-only or idempotent,
   * else unsafe (MCP's hints are only hints, and nothing says a server deduplicates by key).
   */
  static ToolSpec spec(McpServerSpec server, McpSchema.Tool tool, ObjectMapper json) {
    String description = tool.description();
    if (description == null || description.isBlank()) {
      description = tool.title() != null ? tool.title() : tool.name();
    }
    JsonNode schema = tool.inputSchema() == null ? null : json.valueToTree(tool.inputSchema());
    if (schema == null || !schema.isObject()) {
      ObjectNode any = json.createObjectNode();
      any.put("type", "object");
      schema = any;
    }
    return new ToolSpec(description, schema, effect(server, tool));
  }

  static ToolEffect effect(McpServerSpec server, McpSchema.Tool tool) {
    ToolEffect configured = server.effects().get(tool.name());
    if (configured != null) {
      return configured;
    }
    McpSchema.ToolAnnotations hints = tool.annotations();
    if (hints != null
        && (Boolean.TRUE.equals(hints.readOnlyHint())
            || Boolean.TRUE.equals(hints.idempotentHint()))) {
      return ToolEffect.IDEMPOTENT;
    }
    return ToolEffect.UNSAFE;
  }
}
