package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Usage;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.protocol.ids.RunId;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structured output through a real node and its HTTP API: an llm step's answer that does not follow
 * the step's JSON Schema is asked for again with the validator's errors, every rejected answer is
 * an event of the run (before the event that ends its attempt), and every try's usage counts.
 */
class StructuredOutputIT {
  private static final String SCHEMA =
      "{'type': 'object', 'required': ['score'],"
          + " 'properties': {'score': {'type': 'integer', 'minimum': 1, 'maximum': 5}}}";

  @TempDir static Path data;
  static ScriptedModelServer models;
  static Lattice lattice;
  static String api;
  private final HttpRuns http = new HttpRuns();

  @BeforeAll
  static void start() {
    models =
        ScriptedModelServer.start(
            Script.of(
                    // The repair of scripted-model's answer is right; stubborn-model never is.
                    ScriptEntry.json(json("{'score': 4}"))
                        .when(Match.contains("was rejected").andModel("scripted-model"))
                        .usage(Usage.of(30, 3)),
                    ScriptEntry.json(json("{'grade': 'A'}"))
                        .when(Match.model("stubborn-model"))
                        .usage(Usage.of(10, 1)),
                    ScriptEntry.json(json("{'score': 9}"))
                        .when(Match.contains("rate"))
                        .usage(Usage.of(20, 2)))
                .withModels("scripted-model"));
    lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(
                ConfigFactory.parseString(
                    """
                    lattice.llm.providers.local {
                      base-url = "%s/v1", models = ["scripted-model", "stubborn-model"]
                    }
                    lattice.worker.agents = [{
                      id = llm, action = llm, capabilities = [llm],
                      models = ["scripted-model", "stubborn-model"], max-concurrent = 8, priority = 0
                    }]
                    """
                        .formatted(models.baseUrl())))
            .start();
    api = LoopbackApi.start(lattice);
  }

  @AfterAll
  static void stop() {
    lattice.close();
    models.close();
  }

  @Test
  void aRepairedAnswerSucceedsAndItsRejectedTryIsAnEventOfTheRun() throws Exception {
    String runId =
        execute(
            "{'steps': [{'id': 'rate', 'capability': 'llm', 'input': {'model': 'scripted-model',"
                + " 'prompt': 'rate the change', 'schema': "
                + SCHEMA
                + "}}]}");

    List<JsonNode> events = recorded(http.events(api, runId));

    assertThat(types(events))
        .containsExactly("run.started", "step.output_rejected", "step.succeeded", "run.completed");
    JsonNode rejected = events.get(1);
    assertThat(rejected.get("stepId").asText()).isEqualTo("rate");
    assertThat(rejected.get("attempt").asInt()).isEqualTo(1);
    assertThat(rejected.get("data").get("try").asInt()).isEqualTo(1);
    assertThat(rejected.get("data").get("errors").get(0).asText())
        .isEqualTo("/score: must have a maximum value of 5");
    assertThat(rejected.get("data").get("output").asText()).isEqualTo("{\"score\":9}");
    JsonNode run = http.run(api, runId);
    JsonNode step = run.get("steps").get(0);
    assertThat(step.get("output").get("json")).isEqualTo(json("{'score': 4}"));
    // Both calls count: 20 + 30 prompt tokens, 2 + 3 completion tokens.
    assertThat(step.get("usage").get("promptTokens").asLong()).isEqualTo(50);
    assertThat(step.get("usage").get("completionTokens").asLong()).isEqualTo(5);
    assertThat(run.get("usage").get("promptTokens").asLong()).isEqualTo(50);
  }

  @Test
  void anAnswerNeverRightFailsTheStepWithMalformedOutputAfterItsRepairs() throws Exception {
    String runId =
        execute(
            "{'steps': [{'id': 'grade', 'capability': 'llm', 'retry': {'maxAttempts': 1},"
                + " 'input': {'model': 'stubborn-model', 'prompt': 'grade the change',"
                + " 'maxRepairs': 1, 'schema': "
                + SCHEMA
                + "}}]}");

    List<JsonNode> events = recorded(http.events(api, runId));

    assertThat(types(events))
        .containsExactly(
            "run.started",
            "step.output_rejected",
            "step.output_rejected",
            "step.failed",
            "run.failed");
    assertThat(events.subList(1, 3))
        .extracting(e -> e.get("data").get("try").asInt())
        .containsExactly(1, 2);
    assertThat(events.get(2).get("data").get("errors").get(0).asText())
        .isEqualTo("(root): required property 'score' not found");
    JsonNode failed = events.get(3).get("data");
    assertThat(failed.get("error").get("errorClass").asText()).isEqualTo("malformed_output");
    assertThat(failed.get("usage").get("promptTokens").asLong()).isEqualTo(20);
    JsonNode run = http.run(api, runId);
    assertThat(run.get("cause").get("errorClass").asText()).isEqualTo("malformed_output");
    assertThat(run.get("usage").get("completionTokens").asLong()).isEqualTo(2);
  }

  private String execute(String plan) throws Exception {
    String runId =
        http.execute(
            api, "{\"plan\": " + plan.replace('\'', '"') + "}", UUID.randomUUID().toString());
    Await.result(lattice.client().awaitTerminal(RunId.of(runId)));
    return runId;
  }

  /** The events' types, but step.started: a step records its start only if it runs long. */
  private static List<String> types(List<JsonNode> events) {
    return events.stream()
        .map(e -> e.get("type").asText())
        .filter(type -> !type.equals("step.started"))
        .toList();
  }

  /** The events but step.started, as {@link #types} counts them. */
  private static List<JsonNode> recorded(List<JsonNode> events) {
    return events.stream().filter(e -> !e.get("type").asText().equals("step.started")).toList();
  }
}
