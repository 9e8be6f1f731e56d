package dev.lattice.orchestrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.api.InvokeResult;
import dev.lattice.protocol.run.RunCause;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepDelta;
import dev.lattice.protocol.run.StepView;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lattice agent exec NAME|CAPABILITY "task"}: one agent, or one capability, as a durable run
 * of one step ({@code POST /api/v1/agents/{agent}/invoke}); prints its answer, or with {@code
 * --follow} the run's events as they happen and then the answer.
 */
@Command(
    name = "exec",
    mixinStandardHelpOptions = true,
    description = {
      "Run one agent (by id) or one capability on a task, as a durable run of one step, and print"
          + " its answer: a model's text, else the step's output as JSON. With --follow, print the"
          + " run's events as they happen first. The exit code is 0 only if the run completed."
    })
final class AgentExecCommand extends ClientCommand {
  /** The step an invocation's run has. */
  private static final String STEP = "invoke";

  @Parameters(
      index = "0",
      paramLabel = "AGENT",
      description = "An agent id (lattice agents lists them) or a capability, e.g. reviewer.")
  String target;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "TASK",
      description = "What to do: a model's prompt, else the input's task field.")
  String task;

  @Option(
      names = "--input",
      paramLabel = "JSON",
      description = "The step's input (a JSON object, or @FILE); the task is added to it.")
  String input;

  @Option(
      names = "--capability",
      paramLabel = "NAME",
      description = "Which capability of an agent that serves several.")
  String capability;

  @Option(names = "--model", paramLabel = "MODEL", description = "The model to use.")
  String model;

  @Option(names = "--tenant", paramLabel = "TENANT", description = "The tenant (default: default).")
  String tenant;

  @Option(
      names = "--idempotency-key",
      paramLabel = "KEY",
      description = "Retrying with the same key gives the same run instead of a second one.")
  String idempotencyKey;

  @Option(names = "--follow", description = "Print the run's events as they happen.")
  boolean follow;

  @Override
  int run(ApiClient api, PrintStream out) {
    ObjectNode body = body();
    String path = "/api/v1/agents/" + URLEncoder.encode(target, StandardCharsets.UTF_8) + "/invoke";
    if (follow) {
      return followed(api, path, body, out);
    }
    InvokeResult result = api.post(path, body, headers(), InvokeResult.class);
    if (!result.status().terminal()) {
      // The run outlasted the server's wait: follow it quietly to its end, then answer.
      EventsCommand.follow(
          api, result.runId(), 1, true, new PrintStream(OutputStream.nullOutputStream()));
      return answer(api.get(EventsCommand.runPath(result.runId()), RunView.class), out);
    }
    if (json()) {
      out.println(ApiClient.pretty(result));
      return result.status() == RunStatus.COMPLETED ? 0 : CliException.REFUSED;
    }
    return print(
        result.runId(), result.status(), result.text(), result.output(), result.cause(), out);
  }

  /** Streams the run's events, then prints its answer. */
  private int followed(ApiClient api, String path, ObjectNode body, PrintStream out) {
    body.put("stream", true);
    Followed followed = new Followed(out, json());
    api.postStream(path, body, headers(), followed::take);
    if (followed.runId == null) {
      throw new CliException("the server sent no event", CliException.REFUSED);
    }
    followed.endLine();
    RunView run = api.get(EventsCommand.runPath(followed.runId), RunView.class);
    if (json() || (followed.streamedText && run.status() == RunStatus.COMPLETED)) {
      // The answer is out already: as JSON lines, or as the model's text while it came.
      return run.status() == RunStatus.COMPLETED ? 0 : CliException.REFUSED;
    }
    return answer(run, out);
  }

  /**
   * What following an invocation has printed: each event on a line of its own, and a model's text
   * as it comes, between them.
   */
  private static final class Followed {
    private final PrintStream out;
    private final boolean json;
    private String runId;
    private boolean streamedText;
    private boolean midLine;

    Followed(PrintStream out, boolean json) {
      this.out = out;
      this.json = json;
    }

    boolean take(String line) {
      JsonNode element = read(line);
      if (runId == null) {
        runId = element.path("runId").asText(null);
      }
      if (json) {
        out.println(line);
      } else if (StepDelta.TYPE.equals(element.path("type").asText())) {
        JsonNode piece = element.path("data");
        if (piece.path("reset").asBoolean() && midLine) {
          // Another attempt, or another try, starts its text again.
          out.println();
        }
        out.print(piece.path("text").asText());
        out.flush();
        midLine = true;
        streamedText = true;
      } else {
        endLine();
        out.println(TextOutput.event(read(line, RunEvent.class)));
      }
      return true;
    }

    void endLine() {
      if (midLine) {
        out.println();
        midLine = false;
      }
    }
  }

  private int answer(RunView run, PrintStream out) {
    StepView step = run.steps().stream().filter(s -> s.id().equals(STEP)).findFirst().orElse(null);
    JsonNode output = step == null ? null : step.output();
    JsonNode text = output == null ? null : output.get("text");
    if (json()) {
      out.println(ApiClient.pretty(run));
      return run.status() == RunStatus.COMPLETED ? 0 : CliException.REFUSED;
    }
    return print(
        run.runId(),
        run.status(),
        text != null && text.isTextual() ? text.asText() : null,
        output,
        run.cause(),
        out);
  }

  private static int print(
      String runId,
      RunStatus status,
      String text,
      JsonNode output,
      RunCause cause,
      PrintStream out) {
    if (status != RunStatus.COMPLETED) {
      throw new CliException(
          "run "
              + runId
              + " "
              + status.wire()
              + (cause == null
                  ? ""
                  : ": step "
                      + cause.stepId()
                      + " "
                      + (cause.errorClass() == null ? "" : cause.errorClass().wire() + " ")
                      + "after "
                      + cause.attempts()
                      + " attempt(s): "
                      + cause.message()),
          CliException.REFUSED);
    }
    out.println(text != null ? text : ApiClient.pretty(output));
    return 0;
  }

  private Map<String, String> headers() {
    return idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey);
  }

  private ObjectNode body() {
    ObjectNode body = ApiClient.MAPPER.createObjectNode();
    if (task != null) {
      body.put("task", task);
    }
    if (input != null) {
      body.set("input", RequestOptions.jsonArgument(input, "--input"));
    }
    if (task == null && input == null) {
      throw new CliException("give a TASK, an --input, or both", CliException.REFUSED);
    }
    if (capability != null) {
      body.put("capability", capability);
    }
    if (model != null) {
      body.put("model", model);
    }
    if (tenant != null) {
      body.put("tenant", tenant);
    }
    return body;
  }

  private static JsonNode read(String line) {
    return read(line, JsonNode.class);
  }

  private static <T> T read(String line, Class<T> type) {
    try {
      return ApiClient.MAPPER.readValue(line, type);
    } catch (IOException e) {
      throw new CliException("unexpected answer from the server: " + line, CliException.REFUSED);
    }
  }
}
