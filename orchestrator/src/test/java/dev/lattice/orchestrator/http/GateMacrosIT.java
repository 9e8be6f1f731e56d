package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.TestJournal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gates whose conditions use CEL's macros, in runs started and read over real HTTP on loopback. The
 * plan echoes the payload as step {@code scan}'s output; gate {@code hasY} requires {@code
 * has(steps.scan.output.y)} and fails the run otherwise, gate {@code anyOver2} requires {@code
 * steps.scan.output.items.exists(i, i > 2)} and skips its branch otherwise. {@code report} follows
 * {@code hasY} alone, {@code after} follows both gates.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GateMacrosIT {
  private static final String PLAN =
      """
      {"steps": [
        {"id": "scan", "capability": "echo"},
        {"id": "hasY", "kind": "gate", "dependsOn": ["scan"],
         "condition": "has(steps.scan.output.y)", "onFalse": "fail"},
        {"id": "anyOver2", "kind": "gate", "dependsOn": ["scan"],
         "condition": "steps.scan.output.items.exists(i, i > 2)", "onFalse": "skip"},
        {"id": "report", "capability": "echo", "dependsOn": ["hasY"], "input": {"ok": true}},
        {"id": "after", "capability": "echo", "dependsOn": ["hasY", "anyOver2"],
         "input": {"ok": true}}
      ]}""";

  private final HttpRuns http = new HttpRuns();
  private Lattice lattice;
  private String api;

  @BeforeAll
  void start(@TempDir Path data) {
    lattice = TestJournal.h2(data).node().start();
    HttpSettings settings =
        HttpSettings.create(lattice.system().settings().config()).withAddress("127.0.0.1", 0);
    api = HttpApi.start(lattice, settings).url();
  }

  @AfterAll
  void stop() {
    lattice.close();
  }

  /** Runs the plan on {@code payload} over HTTP; the run as the API shows it once it has ended. */
  private JsonNode run(String payload) throws IOException, InterruptedException {
    String runId =
        http.execute(
            api,
            "{\"plan\": " + PLAN + ", \"payload\": " + payload + "}",
            UUID.randomUUID().toString());
    // The event stream ends with the run's terminal event (HttpRuns gives it two minutes).
    List<JsonNode> events = http.events(api, runId);
    assertThat(events.get(events.size() - 1).get("type").asText()).startsWith("run.");
    return http.run(api, runId);
  }

  private static Map<String, JsonNode> steps(JsonNode run) {
    Map<String, JsonNode> steps = new LinkedHashMap<>();
    run.get("steps").forEach(step -> steps.put(step.get("id").asText(), step));
    return steps;
  }

  private static String status(Map<String, JsonNode> steps, String id) {
    return steps.get(id).get("status").asText();
  }

  private static boolean passed(Map<String, JsonNode> steps, String id) {
    return steps.get(id).get("output").get("passed").asBoolean();
  }

  @Test
  void bothGatesPassAndEveryStepRuns() throws Exception {
    JsonNode run = run("{\"y\": \"present\", \"items\": [1, 2, 3]}");

    assertThat(run.get("status").asText()).isEqualTo("completed");
    Map<String, JsonNode> steps = steps(run);
    assertThat(passed(steps, "hasY")).isTrue();
    assertThat(passed(steps, "anyOver2")).isTrue();
    assertThat(status(steps, "report")).isEqualTo("succeeded");
    assertThat(status(steps, "after")).isEqualTo("succeeded");
    assertThat(http.errors()).isZero();
  }

  @Test
  void aFalseExistsGateSkipsItsBranchAndTheRunGoesOn() throws Exception {
    JsonNode run = run("{\"y\": \"present\", \"items\": [1, 2]}");

    assertThat(run.get("status").asText()).isEqualTo("completed");
    Map<String, JsonNode> steps = steps(run);
    assertThat(passed(steps, "hasY")).isTrue();
    assertThat(status(steps, "anyOver2")).isEqualTo("succeeded");
    assertThat(passed(steps, "anyOver2")).isFalse();
    assertThat(status(steps, "report")).isEqualTo("succeeded");
    assertThat(status(steps, "after")).isEqualTo("skipped");
    assertThat(http.errors()).isZero();
  }

  @Test
  void aFalseHasGateFailsTheRun() throws Exception {
    JsonNode run = run("{\"items\": [5]}");

    assertThat(run.get("status").asText()).isEqualTo("failed");
    JsonNode cause = run.get("cause");
    assertThat(cause.get("stepId").asText()).isEqualTo("hasY");
    assertThat(cause.get("errorClass").asText()).isEqualTo("policy_denied");
    assertThat(cause.get("message").asText()).contains("has(steps.scan.output.y)");
    Map<String, JsonNode> steps = steps(run);
    assertThat(status(steps, "hasY")).isEqualTo("failed");
    assertThat(status(steps, "report")).isNotEqualTo("succeeded");
    assertThat(status(steps, "after")).isNotEqualTo("succeeded");
    assertThat(http.errors()).isZero();
  }
}
