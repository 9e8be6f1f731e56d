package dev.lattice.worker.mcp;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Calls the tools of one MCP server: the capability {@code mcp.SERVER.TOOL}, when the tool
 * allow-lists that apply name it, calls {@code TOOL} with the step's input as its arguments and the
 * step's effect key in {@code _meta} ({@value #EFFECT_KEY_META}), so a server that deduplicates can
 * apply a step's effect once whatever the attempts. The call is bounded by the call timeout and the
 * attempt's deadline; it is made once per attempt (the step's retry policy decides about another).
 * Progress the server reports on the call counts as the attempt's heartbeat.
 */
public final class McpToolAction implements AgentAction {
  /** The {@code _meta} key that carries the step's effect key to the server. */
  public static final String EFFECT_KEY_META = "dev.lattice/effectKey";

  private static final TypeReference<Map<String, Object>> ARGUMENTS = new TypeReference<>() {};

  private final McpServerConnection connection;
  private final Map<String, ToolSpec> tools;
  private final Duration callTimeout;
  private final Clock clock;

  McpToolAction(
      McpServerConnection connection,
      Map<String, ToolSpec> tools,
      Duration callTimeout,
      Clock clock) {
    this.connection = connection;
    this.tools = Map.copyOf(tools);
    this.callTimeout = callTimeout;
    this.clock = clock;
  }

  @Override
  public ToolSpec describe(String capability) {
    return tools.get(capability);
  }

  @Override
  public CompletionStage<ActionResult> execute(ActionRequest request, ActionContext context) {
    McpServerSpec server = connection.spec();
    String tool = server.toolOf(request.capability());
    try {
      if (tool == null || !tools.containsKey(request.capability())) {
        throw new ActionException(
            ErrorClass.INVALID_INPUT,
            "MCP server '" + server.name() + "' serves no capability " + request.capability());
      }
      // An MCP tool is a tool: the tenant's and the capability's tool allow-lists name it by its
      // capability.
      context.useTool(request, request.capability());
      JsonNode input = request.input();
      if (input != null && !input.isNull() && !input.isObject()) {
        throw new ActionException(
            ErrorClass.INVALID_INPUT,
            "the arguments of MCP tool '" + tool + "' (the step's input) must be an object");
      }
      Map<String, Object> arguments =
          input == null || input.isNull()
              ? Map.of()
              : context.json().convertValue(input, ARGUMENTS);
      Duration left = Duration.between(clock.instant(), request.deadline());
      if (left.isNegative() || left.isZero()) {
        throw new ActionException(
            ErrorClass.TIMEOUT, "the attempt's deadline passed before MCP tool '" + tool + "'");
      }
      return connection
          .call(
              tool,
              arguments,
              Map.of(EFFECT_KEY_META, request.effectKey()),
              left.compareTo(callTimeout) < 0 ? left : callTimeout,
              // A server's progress on a long call keeps the attempt's heartbeat going.
              () -> context.heartbeat(request))
          .handleAsync(
              (result, failure) -> {
                if (failure != null) {
                  throw McpCalls.failure(server, tool, failure);
                }
                return ActionResult.of(McpCalls.output(server, tool, result, context.json()));
              },
              context.executor());
    } catch (ActionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
