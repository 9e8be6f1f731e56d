package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.modelserver.script.Script;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.ScriptedNode;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.protocol.run.StepView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The map and loop examples of docs/agents.md as a user runs them: the shipped plans sent over
 * HTTP, the default agents and the model server's example script.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubPlanExamplesIT {
  private static final Path EXAMPLES = Path.of("..", "examples");

  private ScriptedNode node;
  private Lattice lattice;
  private String api;

  @BeforeAll
  void start(@TempDir Path data) {
    node = ScriptedNode.start(data, Script.example());
    lattice = node.lattice();
    api = node.api();
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private RunView run(String example) throws Exception {
    return run(example, "{}");
  }

  private RunView run(String example, String payload) throws Exception {
    String body =
        "{\"payload\": "
            + payload
            + ", \"plan\": "
            + Files.readString(EXAMPLES.resolve(example))
            + "}";
    HttpResponse<String> accepted =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(api + "/api/v1/execute"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    RunId runId = RunId.of(LatticeJson.mapper().readTree(accepted.body()).get("runId").asText());
    RunView done = Await.result(lattice.client().awaitTerminal(runId));
    assertThat(done.status()).as(String.valueOf(done.cause())).isEqualTo(RunStatus.COMPLETED);
    return done;
  }

  @Test
  void theMapExampleLabelsEveryNoteInTheListsOrder() throws Exception {
    JsonNode entries = run("llm-map.json").output().get("notes");
    assertThat(entries).hasSize(3);
    assertThat(entries.findValuesAsText("area")).containsExactly("runs", "timers", "budgets");
    assertThat(entries.get(1).get("note").asText()).isEqualTo("Timers of a year survive restarts.");
    assertThat(entries.get(2).get("index").asInt()).isEqualTo(2);
  }

  @Test
  void theLoopExampleRevisesTheNoteUntilTheReviewerApproves() throws Exception {
    RunView done = run("llm-loop.json");
    JsonNode output = done.output().get("note");
    assertThat(output.get("iterations").asInt()).isEqualTo(2);
    assertThat(output.get("outputs").get("review").get("json").get("verdict").asText())
        .isEqualTo("approve");
    // The second brief carries the first review's comments.
    assertThat(output.get("outputs").get("brief").get("prompt").asText())
        .contains("draft 2", "Address: Say what the reader gains.");
    assertThat(done.steps())
        .extracting(StepView::id)
        .contains("note.i1.write", "note.i1.review", "note.i2.review")
        .doesNotContain("note.i3.brief");
  }

  @Test
  void theUpgradeExampleEvaluatesBothVariantsInChildRunsThenPromotesOrRollsBack() throws Exception {
    RunView promoted = run("upgrade.json", "{\"component\": \"cache\", \"current\": \"1.4\"}");
    JsonNode promote = promoted.output().get("promote");
    assertThat(promote.get("decision").asText()).isEqualTo("promote");
    assertThat(promote.get("version").asText()).isEqualTo("2.0");
    assertThat(promote.get("scores").findValuesAsText("version")).containsExactly("1.4", "2.0");
    assertThat(promoted.output().has("rollback")).isFalse();
    StepView rollback = step(promoted, "rollback");
    assertThat(rollback.status()).isEqualTo(StepStatus.SKIPPED);

    // Each variant was evaluated by a child run of its own, linked to its element's step.
    for (String trial : new String[] {"evaluate.0.trial", "evaluate.1.trial"}) {
      StepView step = step(promoted, trial);
      RunView child = Await.result(lattice.client().run(RunId.of(step.childRunId())));
      assertThat(child.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(child.parent().runId().value()).isEqualTo(promoted.runId());
      assertThat(child.parent().stepId()).isEqualTo(trial);
    }

    RunView rolledBack = run("upgrade.json", "{\"component\": \"cache\", \"current\": \"3.1\"}");
    assertThat(rolledBack.output().get("rollback").get("version").asText()).isEqualTo("3.1");
    assertThat(step(rolledBack, "promote").status()).isEqualTo(StepStatus.SKIPPED);
  }

  private static StepView step(RunView run, String id) {
    return run.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }
}
