package dev.lattice.orchestrator.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.orchestrator.node.Failures;
import dev.lattice.orchestrator.node.InterventionRefusedException;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.persistence.query.UnknownRunException;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.run.RunView;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * {@code tools/call}: checks the call against the tool's schema, then starts a durable run (or, for
 * the built-in run tools, signals or reads one). A call that starts a run answers with a task when
 * the client asked for one ({@link CallOptions}); otherwise it waits for the run within {@code
 * callWait} and answers with its result, or with its state and how to go on.
 */
final class ToolCalls {
  private final ToolCatalog catalog;
  private final RunTasks tasks;
  private final RunWaiter waiter;
  private final ObjectMapper json;
  private final Duration callWait;
  private final Executor executor;

  ToolCalls(
      ToolCatalog catalog,
      RunTasks tasks,
      RunWaiter waiter,
      ObjectMapper json,
      Duration callWait,
      Executor executor) {
    this.catalog = catalog;
    this.tasks = tasks;
    this.waiter = waiter;
    this.json = json;
    this.callWait = callWait;
    this.executor = executor;
  }

  /**
   * The answer to the {@code tools/call} request {@code id} of {@code session}, through {@code
   * client} (held to the caller).
   */
  CompletionStage<JsonNode> call(
      LatticeClient client, McpSession session, JsonNode id, JsonNode params) {
    String name = Params.text(params, "name");
    JsonNode arguments = params.get("arguments");
    if (arguments == null || arguments.isNull()) {
      arguments = json.createObjectNode();
    } else if (!arguments.isObject()) {
      throw new McpException(JsonRpc.INVALID_PARAMS, "'arguments' must be a JSON object");
    }
    CallOptions options = CallOptions.of(params, session, id, name, arguments);
    JsonNode args = arguments;
    return catalog
        .find(name)
        .thenComposeAsync(
            found ->
                found
                    .map(tool -> call(client, tool, args, options))
                    .orElseThrow(
                        () ->
                            new McpException(
                                JsonRpc.INVALID_PARAMS,
                                "unknown tool '" + name + "'; tools/list names the tools")),
            executor);
  }

  private CompletionStage<JsonNode> call(
      LatticeClient client, LatticeTool tool, JsonNode arguments, CallOptions options) {
    List<String> violations = tool.schema().violations(arguments);
    if (!violations.isEmpty()) {
      ObjectNode data = json.createObjectNode().put("tool", tool.name());
      violations.forEach(data.putArray("errors")::add);
      throw new McpException(
          JsonRpc.INVALID_PARAMS,
          "the arguments do not match the input schema of tool '"
              + tool.name()
              + "': "
              + String.join("; ", violations),
          data);
    }
    return switch (tool.kind()) {
      case INTENT -> start(client, ExecuteRequest.intent(tool.name(), arguments), options);
      case RUN_PLAN ->
          start(
              client,
              ExecuteRequest.plan(plan(arguments.get("plan")), arguments.get("payload")),
              options);
      case ACHIEVE_GOAL -> start(client, goal(arguments), options);
      case SIGNAL -> signal(client, arguments);
      case GET_RUN -> runState(client, Params.runId(arguments.get("runId").asText()));
    };
  }

  /** The request of a {@code lattice.achieve_goal} call, whose arguments match its schema. */
  private static ExecuteRequest goal(JsonNode arguments) {
    ExecuteRequest request =
        ExecuteRequest.goal(arguments.get("goal").asText(), arguments.get("payload"));
    if (arguments.has("mode")) {
      request = request.withMode(ExecutionMode.fromWire(arguments.get("mode").asText()));
    }
    return arguments.has("replans")
        ? request.withReplans(arguments.get("replans").asInt())
        : request;
  }

  private CompletionStage<JsonNode> start(
      LatticeClient client, ExecuteRequest request, CallOptions options) {
    return client
        .execute(request.withTenant(options.tenant()), options.idempotencyKey())
        .thenComposeAsync(accepted -> client.run(accepted.runId()), executor)
        .thenComposeAsync(
            run ->
                switch (options.augmentation()) {
                  case TASK -> CompletableFuture.completedFuture(tasks.created(run));
                  case LEGACY_TASK -> CompletableFuture.completedFuture(tasks.createdLegacy(run));
                  case NONE -> waiter.settle(run, callWait).thenApply(this::stateResult);
                },
            executor);
  }

  private CompletionStage<JsonNode> signal(LatticeClient client, JsonNode arguments) {
    RunId runId = Params.runId(arguments.get("runId").asText());
    JsonNode step = arguments.get("stepId");
    SignalRequest signal =
        new SignalRequest(
            step == null ? null : step.asText(),
            arguments.get("data"),
            CallOptions.ACTOR,
            "sent with the MCP tool " + ToolCatalog.SIGNAL);
    return client
        .signal(runId, arguments.get("signal").asText(), signal)
        .thenApplyAsync(this::stateResult, executor)
        .exceptionally(this::toolError);
  }

  private CompletionStage<JsonNode> runState(LatticeClient client, RunId runId) {
    return client
        .run(runId)
        .thenApplyAsync(this::stateResult, executor)
        .exceptionally(this::toolError);
  }

  /** A finished run's result, or an unfinished run's state. */
  private JsonNode stateResult(RunView run) {
    return run.status().terminal() ? tasks.toolResult(run) : tasks.pendingResult(run);
  }

  /**
   * A refused signal or an unknown run, as a tool error the model can read; anything else stays a
   * protocol error.
   */
  private JsonNode toolError(Throwable failure) {
    Throwable e = Failures.cause(failure);
    if (!(e instanceof UnknownRunException || e instanceof InterventionRefusedException)) {
      throw McpFailures.asMcp(e);
    }
    return json.valueToTree(
        new McpSchema.CallToolResult(
            List.of(new McpSchema.TextContent(e.getMessage())), true, null, Map.of()));
  }

  private PlanSpec plan(JsonNode plan) {
    try {
      return json.treeToValue(plan, PlanSpec.class);
    } catch (JsonProcessingException e) {
      throw new McpException(JsonRpc.INVALID_PARAMS, "'plan' is not a valid plan: " + problem(e));
    }
  }

  /** What is wrong in a plan, where: said in the plan's terms, not the mapper's. */
  private static String problem(JsonProcessingException e) {
    StringBuilder where = new StringBuilder("plan");
    if (e instanceof JsonMappingException mapping) {
      for (JsonMappingException.Reference ref : mapping.getPath()) {
        where.append(
            ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]");
      }
    }
    String what =
        e instanceof UnrecognizedPropertyException unknown
            ? "unknown field '" + unknown.getPropertyName() + "'"
            : e.getOriginalMessage().lines().findFirst().orElse("invalid value");
    return what + " (at " + where + ")";
  }
}
