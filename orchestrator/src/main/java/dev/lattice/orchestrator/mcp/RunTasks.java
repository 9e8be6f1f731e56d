package dev.lattice.orchestrator.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.run.RunCause;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.protocol.run.StepView;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs as MCP tasks (the {@code io.modelcontextprotocol/tasks} extension, SEP-2663): the task id is
 * the run id, its status follows the run's ({@link TaskStatus}), a step waiting for a signal is an
 * input request, and a finished run's outputs are the tool's result.
 */
final class RunTasks {
  /** The {@code _meta} key under which results name their run. */
  static final String RUN_ID_META = "dev.lattice/runId";

  private final ObjectMapper json;
  private final Duration pollInterval;

  RunTasks(ObjectMapper json, Duration pollInterval) {
    this.json = json;
    this.pollInterval = pollInterval;
  }

  /** The answer to a task-augmented {@code tools/call}: {@code resultType: task} and the task. */
  ObjectNode created(RunView run) {
    ObjectNode task = task(run);
    task.put("resultType", "task");
    return task;
  }

  /**
   * The answer to a {@code tools/call} augmented the 2025-11-25 way ({@code params.task}): the task
   * inside {@code task}, with that revision's field names.
   */
  ObjectNode createdLegacy(RunView run) {
    ObjectNode task = task(run);
    task.remove("ttlMs");
    task.remove("pollIntervalMs");
    task.putNull("ttl");
    task.put("pollInterval", pollInterval.toMillis());
    ObjectNode result = json.createObjectNode();
    result.set("task", task);
    return result;
  }

  /**
   * The answer to {@code tasks/get}: the task with what its status carries — the input requests,
   * the result, or the error.
   */
  ObjectNode detailed(RunView run) {
    ObjectNode task = task(run);
    task.put("resultType", "complete");
    // Also under the 2025-11-25 names, so that clients of that revision can poll too.
    task.putNull("ttl");
    task.put("pollInterval", pollInterval.toMillis());
    switch (TaskStatus.of(run)) {
      case INPUT_REQUIRED -> task.set("inputRequests", inputRequests(run));
      case COMPLETED -> task.set("result", toolResult(run));
      case FAILED -> task.set("error", failure(run));
      case WORKING, CANCELLED -> {
        // Nothing more to say than the status.
      }
    }
    return task;
  }

  /** The fields every task has. */
  private ObjectNode task(RunView run) {
    TaskStatus status = TaskStatus.of(run);
    ObjectNode task =
        json.createObjectNode()
            .put("taskId", run.runId())
            .put("status", status.wire())
            .put("statusMessage", statusMessage(run, status))
            .put("createdAt", run.createdAt().toString())
            .put("lastUpdatedAt", run.updatedAt().toString());
    // Runs stay in the journal until retention removes them: no time-to-live of their own.
    task.putNull("ttlMs");
    task.put("pollIntervalMs", pollInterval.toMillis());
    return task;
  }

  /**
   * What a client is asked while steps wait for signals: one form per step, keyed by the step's id
   * (a step waits once, so a key is never reused within a run). Accepting sends the signal with the
   * form's content as its data; declining or cancelling cancels the run.
   */
  private ObjectNode inputRequests(RunView run) {
    ObjectNode requests = json.createObjectNode();
    for (StepView step : TaskStatus.waitingForSignal(run)) {
      ObjectNode params =
          json.createObjectNode()
              .put("mode", "form")
              .put(
                  "message",
                  "Step '"
                      + step.id()
                      + "' waits for the signal '"
                      + step.signal()
                      + "'. Accept to send it (what you fill in becomes the step's output);"
                      + " decline to cancel the run.");
      ObjectNode schema = params.putObject("requestedSchema").put("type", "object");
      schema.putObject("properties");
      requests.putObject(step.id()).put("method", "elicitation/create").set("params", params);
    }
    return requests;
  }

  /** The JSON-RPC error of a failed run: its cause. */
  private ObjectNode failure(RunView run) {
    ObjectNode error =
        json.createObjectNode().put("code", JsonRpc.RUN_FAILED).put("message", causeText(run));
    error.set("data", outcome(run));
    return error;
  }

  /**
   * A finished run as a tool result: its outputs (keyed by final step) as structured content and as
   * text; a failed or cancelled run as a tool error saying why.
   */
  JsonNode toolResult(RunView run) {
    boolean completed = run.status() == RunStatus.COMPLETED;
    JsonNode structured = completed && run.output() != null ? run.output() : outcome(run);
    String text = completed ? write(structured) : causeText(run);
    McpSchema.CallToolResult result =
        new McpSchema.CallToolResult(
            List.of(new McpSchema.TextContent(text)),
            !completed,
            structured,
            Map.of(RUN_ID_META, run.runId()));
    return json.valueToTree(result);
  }

  /**
   * A run that has not finished yet, as a tool result: its id and status, and what to do next — for
   * a client that called without task support.
   */
  JsonNode pendingResult(RunView run) {
    TaskStatus status = TaskStatus.of(run);
    String text =
        "Run "
            + run.runId()
            + " is not finished yet: "
            + statusMessage(run, status)
            + (status == TaskStatus.INPUT_REQUIRED
                ? " Send the signal with the tool lattice.signal, then"
                : " Then")
            + " get its result with the tool lattice.get_run (runId "
            + run.runId()
            + ").";
    McpSchema.CallToolResult result =
        new McpSchema.CallToolResult(
            List.of(new McpSchema.TextContent(text)),
            false,
            outcome(run),
            Map.of(RUN_ID_META, run.runId()));
    return json.valueToTree(result);
  }

  /** The run's id, status and, where it has one, what it waits for or why it ended. */
  private ObjectNode outcome(RunView run) {
    ObjectNode outcome =
        json.createObjectNode()
            .put("runId", run.runId())
            .put("status", TaskStatus.of(run).wire())
            .put("runStatus", run.status().wire());
    List<StepView> waiting = TaskStatus.waitingForSignal(run);
    if (!waiting.isEmpty()) {
      var signals = outcome.putArray("waitingFor");
      waiting.forEach(
          step -> signals.addObject().put("stepId", step.id()).put("signal", step.signal()));
    }
    if (run.cause() != null) {
      outcome.set("cause", json.valueToTree(run.cause()));
    }
    return outcome;
  }

  private static String statusMessage(RunView run, TaskStatus status) {
    return switch (status) {
      case WORKING ->
          (run.status() == RunStatus.PAUSED
                  ? "The run is paused by an operator."
                  : "The run is " + run.status().wire() + ".")
              + inProgress(run);
      case INPUT_REQUIRED ->
          "The run waits for "
              + String.join(
                  ", ",
                  TaskStatus.waitingForSignal(run).stream()
                      .map(s -> "the signal '" + s.signal() + "' (step '" + s.id() + "')")
                      .toList())
              + ".";
      case COMPLETED -> "The run completed.";
      case FAILED, CANCELLED -> causeText(run);
    };
  }

  /** Which steps are under way, for a person watching the task. */
  private static String inProgress(RunView run) {
    List<String> steps =
        run.steps().stream()
            .filter(
                step ->
                    step.status().out()
                        || step.status() == StepStatus.WAITING
                        || step.status() == StepStatus.RETRY_WAIT)
            .map(
                step ->
                    step.status() == StepStatus.RETRY_WAIT ? step.id() + " (retrying)" : step.id())
            .toList();
    return steps.isEmpty() ? "" : " Under way: " + String.join(", ", steps) + ".";
  }

  private static String causeText(RunView run) {
    RunCause cause = run.cause();
    String ended = "The run " + run.status().wire();
    if (cause == null) {
      return ended + ".";
    }
    return ended
        + (cause.stepId() == null ? "" : " at step '" + cause.stepId() + "'")
        + (cause.errorClass() == null ? "" : " (" + cause.errorClass().wire() + ")")
        + (cause.message() == null ? "" : ": " + cause.message())
        + (cause.attempts() > 0 ? " after " + cause.attempts() + " attempt(s)" : "")
        + ".";
  }

  private String write(JsonNode value) {
    try {
      return json.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write a run's output", e);
    }
  }
}
