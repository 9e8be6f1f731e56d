package dev.lattice.orchestrator.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.orchestrator.node.LatticeClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The MCP methods this server answers: the lifecycle ({@code initialize}, {@code ping}), tools
 * ({@code tools/list}, {@code tools/call}) and tasks ({@link TaskMethods}). Transport-free: {@link
 * McpRoutes} carries the messages.
 */
final class McpMethods {
  /** The protocol revisions this server speaks, newest first. */
  static final List<String> PROTOCOL_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26");

  /** The revision assumed for a request that names none (as the transport specification says). */
  static final String ASSUMED_VERSION = "2025-03-26";

  private static final String INSTRUCTIONS =
      "Each tool but the lattice.* ones runs a Lattice intent: a durable run that survives restarts."
          + " A call may return before its run ends; then read the run with lattice.get_run, or"
          + " call with the tasks extension to get a task to poll. A run waiting for a person's"
          + " approval asks for input; answering it sends the run's signal.";

  private final ToolCatalog catalog;
  private final ToolCalls calls;
  private final TaskMethods taskMethods;
  private final ObjectMapper json;
  private final String serverVersion;

  McpMethods(
      ToolCatalog catalog,
      ToolCalls calls,
      RunTasks tasks,
      RunWaiter waiter,
      McpSettings settings,
      ObjectMapper json,
      Executor executor) {
    this.catalog = catalog;
    this.calls = calls;
    this.taskMethods = new TaskMethods(tasks, waiter, settings.callWait(), json, executor);
    this.json = json;
    String version = McpMethods.class.getPackage().getImplementationVersion();
    this.serverVersion = version == null ? "development" : version;
  }

  /** The protocol revision to speak with a client that asks for {@code requested}. */
  static String negotiate(String requested) {
    return requested != null && PROTOCOL_VERSIONS.contains(requested)
        ? requested
        : PROTOCOL_VERSIONS.get(0);
  }

  /** The answer to {@code initialize} in revision {@code version}. */
  ObjectNode initialize(String version) {
    ObjectNode result = json.createObjectNode().put("protocolVersion", version);
    ObjectNode capabilities = result.putObject("capabilities");
    capabilities.putObject("tools").put("listChanged", false);
    capabilities.putObject("extensions").putObject(CallOptions.TASKS_EXTENSION);
    // The 2025-11-25 revision's declaration, for its clients: tool calls may become tasks.
    ObjectNode legacyTasks = capabilities.putObject("tasks");
    legacyTasks.putObject("cancel");
    legacyTasks.putObject("requests").putObject("tools").putObject("call");
    result.putObject("serverInfo").put("name", "lattice").put("version", serverVersion);
    result.put("instructions", INSTRUCTIONS);
    return result;
  }

  /**
   * The result of the request {@code id} calling {@code method}, through {@code client} (held to
   * the caller); fails with {@link McpException}.
   */
  CompletionStage<JsonNode> request(
      LatticeClient client, McpSession session, String method, JsonNode id, JsonNode params) {
    return switch (method) {
      case "ping" -> CompletableFuture.completedFuture(json.createObjectNode());
      case "tools/list" ->
          client.intents().thenCompose(readable -> catalog.tools()).thenApply(catalog::listed);
      case "tools/call" -> calls.call(client, session, id, objectParams(params));
      case "tasks/get" -> taskMethods.get(client, objectParams(params));
      case "tasks/update" -> taskMethods.update(client, objectParams(params));
      case "tasks/cancel" -> taskMethods.cancel(client, objectParams(params));
      case "tasks/result" -> taskMethods.result(client, objectParams(params));
      default ->
          throw new McpException(
              JsonRpc.METHOD_NOT_FOUND, "method '" + method + "' is not supported by this server");
    };
  }

  private ObjectNode objectParams(JsonNode params) {
    if (params == null || params.isNull()) {
      return json.createObjectNode();
    }
    if (!params.isObject()) {
      throw new McpException(JsonRpc.INVALID_PARAMS, "params must be a JSON object");
    }
    return (ObjectNode) params;
  }
}
