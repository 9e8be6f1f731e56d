package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.RecordedRequest;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Fault;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Usage;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepView;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LLM steps through a real node: its built-in llm action calls the scripted model server over real
 * HTTP, the step's output and usage land in the run, a model profile serves as a capability, and a
 * provider's 500 is retried by the step's retry policy, not by the client.
 */
class LlmStepIT {
  @TempDir static Path data;
  static ScriptedModelServer models;
  static Lattice lattice;

  @BeforeAll
  static void start() {
    models =
        ScriptedModelServer.start(
            Script.of(
                    ScriptEntry.text("A short summary.")
                        .when(Match.contains("summarise"))
                        .usage(Usage.of(120, 4)),
                    ScriptEntry.json(json("{'verdict': 'approve'}")).when(Match.contains("review")),
                    ScriptEntry.fault(Fault.status(500)).when(Match.contains("flaky")).times(1),
                    ScriptEntry.text("Fine now.").when(Match.contains("flaky")))
                .withModels("scripted-model"));
    lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(
                ConfigFactory.parseString(
                    """
                    lattice.llm.providers.local.base-url = "%s/v1"
                    lattice.llm.profiles.reviewer {
                      provider = local, model = "scripted-model", system = "You review code."
                    }
                    lattice.worker.agents = [{
                      id = llm, action = llm, capabilities = [llm, reviewer],
                      models = ["scripted-model"], max-concurrent = 8, priority = 0
                    }]
                    """
                        .formatted(models.baseUrl())))
            .start();
  }

  @AfterAll
  static void stop() {
    lattice.close();
    models.close();
  }

  private static RunView run(String planJson) {
    RunId runId =
        Await.result(lattice.client().execute(ExecuteRequest.plan(plan(planJson), json("{}"))))
            .runId();
    return Await.result(lattice.client().awaitTerminal(runId));
  }

  @Test
  void aStepCallsTheModelAndAProfileServesAsACapability() {
    RunView done =
        run(
            "{'steps': [{'id': 'sum', 'capability': 'llm', 'input': {'model': 'scripted-model',"
                + " 'prompt': 'Please summarise the change.'}},"
                + " {'id': 'rev', 'capability': 'reviewer', 'dependsOn': ['sum'],"
                + " 'input': {'prompt': 'review this', 'schema': {'type': 'object'}}}]}");

    assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
    StepView sum = done.steps().get(0);
    assertThat(sum.output().get("text").asText()).isEqualTo("A short summary.");
    assertThat(sum.output().get("model").asText()).isEqualTo("scripted-model");
    assertThat(sum.usage().promptTokens()).isEqualTo(120);
    assertThat(sum.usage().completionTokens()).isEqualTo(4);
    StepView rev = done.steps().get(1);
    assertThat(rev.output().get("json").get("verdict").asText()).isEqualTo("approve");
    assertThat(done.usage().promptTokens()).isGreaterThan(120);
    // The profile's system prompt went to the model with the step's prompt.
    RecordedRequest review =
        models.requests().stream()
            .filter(r -> r.body().toString().contains("review this"))
            .findFirst()
            .orElseThrow();
    assertThat(review.body().get("messages").get(0).get("content").asText())
        .isEqualTo("You review code.");
  }

  @Test
  void aProvidersServerErrorIsRetriedByTheStepNotByTheClient() {
    long before = models.requests().stream().filter(r -> flaky(r)).count();

    RunView done =
        run(
            "{'steps': [{'id': 'a', 'capability': 'llm', 'retry': {'maxAttempts': 3,"
                + " 'initialBackoffMs': 10}, 'input': {'model': 'scripted-model',"
                + " 'prompt': 'a flaky call'}}]}");

    assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(done.steps().get(0).attempts()).isEqualTo(2);
    assertThat(done.steps().get(0).output().get("text").asText()).isEqualTo("Fine now.");
    assertThat(models.requests().stream().filter(r -> flaky(r)).count() - before).isEqualTo(2);
  }

  private static boolean flaky(RecordedRequest request) {
    return request.body() != null && request.body().toString().contains("flaky");
  }
}
