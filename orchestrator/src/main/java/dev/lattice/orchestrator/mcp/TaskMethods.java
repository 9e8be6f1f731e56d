package dev.lattice.orchestrator.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.orchestrator.node.Failures;
import dev.lattice.orchestrator.node.InterventionRefusedException;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.persistence.query.UnknownRunException;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * {@code tasks/get}, {@code tasks/update} and {@code tasks/cancel} of the tasks extension
 * (SEP-2663), and {@code tasks/result} of the 2025-11-25 revision, over runs: any node answers for
 * any task, since a task is its run.
 */
final class TaskMethods {
  private static final String ACCEPT = "accept";

  private final RunTasks tasks;
  private final RunWaiter waiter;
  private final Duration resultWait;
  private final ObjectMapper json;
  private final Executor executor;

  TaskMethods(
      RunTasks tasks, RunWaiter waiter, Duration resultWait, ObjectMapper json, Executor executor) {
    this.tasks = tasks;
    this.waiter = waiter;
    this.resultWait = resultWait;
    this.json = json;
    this.executor = executor;
  }

  /** The task, with its input requests, result or error. */
  CompletionStage<JsonNode> get(LatticeClient client, JsonNode params) {
    return run(client, params).thenApplyAsync(tasks::detailed, executor);
  }

  /**
   * Answers the task's input requests: an accepted one sends its step's signal with the content as
   * data; a declined or cancelled one cancels the run. Keys that are not outstanding are ignored.
   */
  CompletionStage<JsonNode> update(LatticeClient client, JsonNode params) {
    JsonNode responses = params.get("inputResponses");
    if (responses == null || !responses.isObject()) {
      throw new McpException(
          JsonRpc.INVALID_PARAMS, "params.inputResponses is required and must be a JSON object");
    }
    return run(client, params)
        .thenComposeAsync(run -> answer(client, run, responses), executor)
        .<JsonNode>thenApply(done -> acknowledged());
  }

  private CompletionStage<Void> answer(LatticeClient client, RunView run, JsonNode responses) {
    RunId runId = RunId.of(run.runId());
    List<CompletableFuture<?>> sent = new ArrayList<>();
    for (StepView step : TaskStatus.waitingForSignal(run)) {
      JsonNode response = responses.get(step.id());
      if (response == null) {
        continue;
      }
      String action = response.path("action").asText("");
      CompletionStage<RunView> done =
          ACCEPT.equals(action)
              ? client.signal(
                  runId,
                  step.signal(),
                  new SignalRequest(
                      step.id(),
                      content(response),
                      CallOptions.ACTOR,
                      "accepted through MCP tasks/update"))
              : client.intervene(
                  runId,
                  InterventionType.CANCEL,
                  new Intervention(
                      CallOptions.ACTOR,
                      "the MCP client answered '" + action + "' to step '" + step.id() + "'"));
      sent.add(ignoringRaces(done));
    }
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
  }

  private JsonNode content(JsonNode response) {
    JsonNode content = response.get("content");
    return content != null && content.isObject() ? content : json.createObjectNode();
  }

  /**
   * Cancels the task's run; a run that has already ended stays as it is. The acknowledgement
   * carries the task as it is then, which is what clients of the 2025-11-25 revision expect.
   */
  CompletionStage<JsonNode> cancel(LatticeClient client, JsonNode params) {
    RunId runId = Params.runId(Params.text(params, "taskId"));
    return client
        .intervene(
            runId,
            InterventionType.CANCEL,
            new Intervention(CallOptions.ACTOR, "cancelled through MCP tasks/cancel"))
        .handle(
            (run, failure) ->
                failure == null
                    ? CompletableFuture.completedFuture(run)
                    : Failures.cause(failure) instanceof InterventionRefusedException
                        // It ended before the cancellation could take effect.
                        ? client.run(runId)
                        : CompletableFuture.<RunView>failedFuture(failure))
        .thenCompose(run -> run)
        .<JsonNode>thenApplyAsync(tasks::detailed, executor)
        .exceptionally(
            failure -> {
              throw taskFailure(failure);
            });
  }

  /**
   * The 2025-11-25 revision's {@code tasks/result}: the tool's result once the run has finished. It
   * waits for the run within a bound instead of without end, and then says to poll.
   */
  CompletionStage<JsonNode> result(LatticeClient client, JsonNode params) {
    return run(client, params)
        .thenComposeAsync(run -> waiter.settle(run, resultWait), executor)
        .thenApply(
            run -> {
              if (!run.status().terminal()) {
                throw new McpException(
                    JsonRpc.INVALID_PARAMS,
                    "task "
                        + run.runId()
                        + " has not finished yet ("
                        + TaskStatus.of(run).wire()
                        + "); poll it with tasks/get");
              }
              JsonNode result = tasks.toolResult(run);
              ((ObjectNode) result.get("_meta"))
                  .set(
                      "io.modelcontextprotocol/related-task",
                      json.createObjectNode().put("taskId", run.runId()));
              return result;
            });
  }

  private CompletionStage<RunView> run(LatticeClient client, JsonNode params) {
    RunId runId = Params.runId(Params.text(params, "taskId"));
    return client
        .run(runId)
        .exceptionally(
            failure -> {
              throw taskFailure(failure);
            });
  }

  /** An intervention the run's state no longer allows: the answer came too late, nothing to do. */
  private static CompletableFuture<Object> ignoringRaces(CompletionStage<RunView> stage) {
    return stage
        .<Object>thenApply(run -> run)
        .exceptionally(
            failure -> {
              if (Failures.cause(failure) instanceof InterventionRefusedException) {
                return Map.of();
              }
              throw McpFailures.asMcp(failure);
            })
        .toCompletableFuture();
  }

  private static McpException taskFailure(Throwable failure) {
    if (Failures.cause(failure) instanceof UnknownRunException) {
      return new McpException(JsonRpc.INVALID_PARAMS, "Failed to retrieve task: Task not found");
    }
    return McpFailures.asMcp(failure);
  }

  private ObjectNode acknowledged() {
    return json.createObjectNode().put("resultType", "complete");
  }
}
