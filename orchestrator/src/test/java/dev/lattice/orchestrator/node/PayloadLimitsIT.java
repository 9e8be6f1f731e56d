package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.worker.action.ActionResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Payloads too deep or too large for the journal never reach it: an agent's output over the limits
 * fails its attempt, an input that templates nest over them fails its step, and the agent and its
 * dispatchers go on serving other runs.
 */
class PayloadLimitsIT {
  @TempDir static Path data;
  static Lattice lattice;

  @BeforeAll
  static void start() {
    lattice =
        Lattice.builder()
            .dataDirectory(data)
            // Answers an object nested as deep as its input's 'depth' says.
            .action(
                "nest",
                (request, context) ->
                    CompletableFuture.completedFuture(
                        ActionResult.of(nested(request.input().path("depth").asInt()))))
            .start();
  }

  @AfterAll
  static void stop() {
    lattice.close();
  }

  static JsonNode nested(int depth) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode current = root;
    for (int i = 1; i < depth; i++) {
      current = current.putObject("n");
    }
    current.put("leaf", true);
    return root;
  }

  private static RunView run(String planJson) {
    return run(planJson, json("{}"));
  }

  private static RunView run(String planJson, JsonNode payload) {
    RunId runId =
        Await.result(lattice.client().execute(ExecuteRequest.plan(plan(planJson), payload)))
            .runId();
    return Await.result(lattice.client().awaitTerminal(runId), Duration.ofSeconds(60));
  }

  @Test
  void anOutputTooDeepForTheJournalFailsItsAttemptAndTheAgentGoesOn() {
    RunView deep = run("{'steps': [{'id': 'a', 'capability': 'nest', 'input': {'depth': 1100}}]}");
    assertThat(deep.status()).isEqualTo(RunStatus.FAILED);
    assertThat(deep.cause().errorClass()).isEqualTo(ErrorClass.MALFORMED_OUTPUT);
    assertThat(deep.cause().message()).contains("nests deeper than");
    RunView shallow = run("{'steps': [{'id': 'a', 'capability': 'nest', 'input': {'depth': 3}}]}");
    assertThat(shallow.status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void anInputThatTemplatesNestPastTheLimitFailsItsStepAsInvalid() {
    // 120 levels of output, placed 9 levels down in the next step's input: 129 > 128.
    RunView run =
        run(
            "{'steps': [{'id': 'a', 'capability': 'nest', 'input': {'depth': 120}},"
                + " {'id': 'b', 'capability': 'echo', 'dependsOn': ['a'], 'input':"
                + " {'l1': {'l2': {'l3': {'l4': {'l5': {'l6': {'l7': {'l8': {'l9':"
                + " '${steps.a.output}'}}}}}}}}}}]}");
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.cause().stepId()).isEqualTo("b");
    assertThat(run.cause().errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(run.cause().message())
        .isEqualTo("the step's input nests deeper than 128 levels (lattice.payload.max-depth)");
    RunView echo =
        run("{'steps': [{'id': 'a', 'capability': 'echo', 'input': {'text': 'still here'}}]}");
    assertThat(echo.status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aTransformOutputPastTheLimitFailsItsStepAsInvalid() {
    // Two copies of a payload text of 600,000 characters: within the limit once, past it twice.
    ObjectNode payload = JsonNodeFactory.instance.objectNode().put("text", "x".repeat(600_000));
    RunView run =
        run(
            "{'steps': [{'id': 'big', 'kind': 'transform', 'expression':"
                + " '{\\\"a\\\": payload.text, \\\"b\\\": payload.text}'}]}",
            payload);
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.cause().errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(run.cause().message())
        .isEqualTo(
            "the transform's output is larger than 1048576 characters of JSON"
                + " (lattice.payload.max-size)");
  }
}
