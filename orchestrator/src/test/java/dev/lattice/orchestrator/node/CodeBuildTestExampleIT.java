package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.ModelServerSettings;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.orchestrator.testing.ScriptedNode;
import dev.lattice.protocol.json.LatticeJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code-build-test example of docs/agents.md as a user runs it, over HTTP: the shipped plan, the
 * default agents (coder, files.write, shell, reviewer) and the model server's example script. A
 * coder writes Java files into the run's workspace, javac and java build and test them there, and a
 * reviewer loops with the coder until it approves.
 *
 * <p>Two entries go before the example script's, each answering only a task with its marker: a
 * reviewer that never approves, and a coder that writes outside the workspace. Every other request
 * is answered by the example script as {@code lattice model-server} answers it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CodeBuildTestExampleIT {
  private static final Path EXAMPLE = Path.of("..", "examples", "code-build-test.json");
  private static final String NEVER_APPROVED = "A greeter the reviewer never approves.";
  private static final String ESCAPING = "A greeter written outside the workspace.";

  private final HttpRuns runs = new HttpRuns();
  private Path data;
  private ScriptedNode node;
  private Lattice lattice;
  private String api;

  @BeforeAll
  void start(@TempDir Path data) throws Exception {
    this.data = data;
    Script example = Script.example();
    List<ScriptEntry> entries = new ArrayList<>();
    entries.add(
        ScriptEntry.json(json("{'verdict': 'revise', 'comments': ['Not yet.']}"))
            .when(Match.regex("(?s)^Review this Java change.*" + NEVER_APPROVED)));
    entries.add(
        ScriptEntry.json(
                json(
                    "{'files': [{'path': '../escape/Evil.java', 'content': 'class Evil {}'}],"
                        + " 'notes': 'Written next to the workspace.'}"))
            .when(Match.regex("^Write Java code for this task: " + ESCAPING)));
    entries.addAll(example.entries());
    node =
        ScriptedNode.start(
            data,
            new Script(example.models(), example.rateLimits(), example.modelRateLimits(), entries));
    lattice = node.lattice();
    api = node.api();
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private static JsonNode json(String text) throws Exception {
    return LatticeJson.mapper().readTree(text.replace('\'', '"'));
  }

  /** Runs the example with {@code payload} through the API; the run's state once it ended. */
  private JsonNode run(String payload) throws Exception {
    String body = "{\"plan\": " + Files.readString(EXAMPLE) + ", \"payload\": " + payload + "}";
    String runId = runs.execute(api, body, UUID.randomUUID().toString());
    // The event stream ends with the run's terminal event.
    List<JsonNode> events = runs.events(api, runId);
    assertThat(events.get(events.size() - 1).path("type").asText()).startsWith("run.");
    return runs.run(api, runId);
  }

  private static Map<String, JsonNode> steps(JsonNode run) {
    Map<String, JsonNode> steps = new HashMap<>();
    run.path("steps").forEach(step -> steps.put(step.path("id").asText(), step));
    return steps;
  }

  @Test
  void theCoderWritesBuildsAndTestsInTheRunsWorkspaceUntilTheReviewerApproves() throws Exception {
    JsonNode run = run("{}");
    assertThat(run.path("status").asText()).as(run.path("cause").toString()).isEqualTo("completed");
    JsonNode report = run.path("output").path("report");
    assertThat(report.path("iterations").asInt()).isEqualTo(2);
    assertThat(report.path("verdict").asText()).isEqualTo("approve");
    assertThat(report.path("build").path("exitCode").asInt()).isZero();
    assertThat(report.path("test").path("exitCode").asInt()).isZero();
    assertThat(report.path("test").path("stdout").asText()).isEqualTo("tests passed\n");

    // The files are in this run's workspace, under the node's data directory, and javac's
    // classes beside them: the build ran there, and the test ran the classes it made.
    Path workspace = data.resolve("workspaces").resolve(run.path("runId").asText()).toRealPath();
    assertThat(report.path("workspace").asText()).isEqualTo(workspace.toString());
    String greeter = Files.readString(workspace.resolve("Greeter.java"));
    assertThat(greeter).contains("name.isBlank()");
    assertThat(report.path("files").findValuesAsText("content")).contains(greeter);
    assertThat(workspace.resolve("Greeter.class")).isRegularFile();
    assertThat(workspace.resolve("GreeterTest.class")).isRegularFile();

    // The first review asked for a revision, and the coder's second brief carries it.
    Map<String, JsonNode> steps = steps(run);
    assertThat(steps.get("develop.i1.review").path("output").path("json").path("verdict").asText())
        .isEqualTo("revise");
    assertThat(steps.get("develop.i1.test").path("output").path("exitCode").asInt()).isZero();
    assertThat(steps.get("develop.i2.brief").path("output").path("prompt").asText())
        .contains("Address the review of your previous code: greet(null) returns Hello, null!")
        .contains("Your previous files:\n--- Greeter.java");
    assertThat(steps).doesNotContainKey("develop.i3.brief");
    assertThat(steps.get("passed").path("status").asText()).isEqualTo("succeeded");
  }

  @Test
  void theSamePlanRunsUnchangedWhenTheRolesCallAnotherProvider(@TempDir Path elsewhere)
      throws Exception {
    // A provider as an operator configures a real one: another protocol (Anthropic's), a key
    // read from a file and a model of its own, named by the coder's and reviewer's profiles.
    Path key = Files.writeString(elsewhere.resolve("key"), "sk-test-key\n");
    try (ScriptedModelServer anthropic =
            ScriptedModelServer.start(
                Script.example(), ModelServerSettings.loopback().withApiKey("sk-test-key"));
        Lattice node =
            Lattice.builder()
                .dataDirectory(elsewhere.resolve("data"))
                .config(
                    ConfigFactory.parseString(
                        """
                        lattice.llm.providers.claude {
                          protocol = anthropic, base-url = "%s/v1", api-key-file = "%s"
                          models = ["claude-scripted"]
                        }
                        lattice.llm.profiles.coder { provider = claude, model = "claude-scripted" }
                        lattice.llm.profiles.reviewer { provider = claude, model = "claude-scripted" }
                        """
                            .formatted(anthropic.baseUrl(), key)))
                .start()) {
      String otherApi = LoopbackApi.start(node);
      String body = "{\"plan\": " + Files.readString(EXAMPLE) + "}";
      String runId = runs.execute(otherApi, body, UUID.randomUUID().toString());
      runs.events(otherApi, runId);
      JsonNode run = runs.run(otherApi, runId);
      assertThat(run.path("status").asText())
          .as(run.path("cause").toString())
          .isEqualTo("completed");
      assertThat(run.path("output").path("report").path("iterations").asInt()).isEqualTo(2);
      assertThat(anthropic.requests())
          .hasSize(4)
          .allSatisfy(
              request -> {
                assertThat(request.path()).isEqualTo("/v1/messages");
                assertThat(request.model()).isEqualTo("claude-scripted");
              });
    }
  }

  @Test
  void aReviewerWhoNeverApprovesEndsTheLoopAtItsLimit() throws Exception {
    JsonNode run = run("{\"task\": \"" + NEVER_APPROVED + "\"}");
    assertThat(run.path("status").asText()).isEqualTo("failed");
    assertThat(run.path("cause").path("errorClass").asText()).isEqualTo("loop_limit");
    Map<String, JsonNode> steps = steps(run);
    assertThat(steps.get("develop").path("status").asText()).isEqualTo("failed");
    // Three iterations, each built and tested, and no fourth.
    for (int i = 1; i <= 3; i++) {
      assertThat(steps.get("develop.i" + i + ".test").path("output").path("exitCode").asInt())
          .isZero();
      assertThat(steps.get("develop.i" + i + ".review").path("status").asText())
          .isEqualTo("succeeded");
    }
    assertThat(steps).doesNotContainKey("develop.i4.brief");
    assertThat(steps.get("report").path("status").asText()).isNotEqualTo("succeeded");
  }

  @Test
  void aCoderThatWritesOutsideTheWorkspaceIsRefusedAndNothingIsWritten() throws Exception {
    JsonNode run = run("{\"task\": \"" + ESCAPING + "\"}");
    assertThat(run.path("status").asText()).isEqualTo("failed");
    JsonNode cause = run.path("cause");
    assertThat(cause.path("errorClass").asText()).isEqualTo("policy_denied");
    assertThat(cause.path("message").asText())
        .contains("step 'write'")
        .contains("input.files[0].path '../escape/Evil.java' climbs with '..'")
        .contains("files may only be written inside the run's workspace");
    Map<String, JsonNode> steps = steps(run);
    // Refused for good at once: a retry would be refused the same way.
    assertThat(steps.get("develop.i1.write").path("attempts").asInt()).isEqualTo(1);
    assertThat(steps.getOrDefault("develop.i1.build", json("{}")).path("status").asText())
        .isNotEqualTo("succeeded");
    assertThat(data.resolve("workspaces").resolve("escape")).doesNotExist();
    try (Stream<Path> written =
        Files.list(data.resolve("workspaces").resolve(run.path("runId").asText()))) {
      assertThat(written).isEmpty();
    }
  }
}
