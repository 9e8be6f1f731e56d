package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.protocol.json.LatticeJson;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over real HTTP: a run step starts a child run (of a plan or an intent) with its own events and a
 * budget carved out of its parent's; the child links to its parent and the parent's step to the
 * child; the parent's step ends with the child, as its output or its error; pausing, resuming and
 * cancelling the parent reaches the child; nesting is bounded.
 */
class ChildRunsIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path data;
  @TempDir Path templates;

  private final HttpRuns runs = new HttpRuns();

  @Test
  void aRunStepRunsItsPlanAsAChildRunThatLinksToItsParentAndGivesItsOutput() throws Exception {
    String request =
        """
        {"payload": {"topic": "caching"}, "plan": {"steps": [
          {"id": "prep", "capability": "echo", "input": {"topic": "${payload.topic}"}},
          {"id": "research", "kind": "run", "dependsOn": ["prep"],
           "input": {"topic": "${steps.prep.output.topic}"},
           "plan": {"steps": [
             {"id": "find", "capability": "echo", "input": {"found": "notes on ${payload.topic}"}},
             {"id": "sum", "capability": "echo", "dependsOn": ["find"],
              "input": {"summary": "${steps.find.output.found}"}}]}},
          {"id": "report", "capability": "echo", "dependsOn": ["research"],
           "input": {"report": "${steps.research.output.sum.summary}"}}]}}
        """;
    try (Lattice lattice = Lattice.builder().dataDirectory(data).start()) {
      String api = LoopbackApi.start(lattice);
      String parentId = runs.execute(api, request, UUID.randomUUID().toString());
      JsonNode parent = awaitStatus(api, parentId, "completed");

      assertThat(parent.path("output").path("report").path("report").asText())
          .isEqualTo("notes on caching");
      JsonNode step = step(parent, "research");
      assertThat(step.path("kind").asText()).isEqualTo("run");
      assertThat(step.path("status").asText()).isEqualTo("succeeded");
      String childId = step.path("childRunId").asText();
      assertThat(childId).isNotBlank().isNotEqualTo(parentId);

      JsonNode child = runs.run(api, childId);
      assertThat(child.path("status").asText()).isEqualTo("completed");
      assertThat(child.path("parent").path("runId").asText()).isEqualTo(parentId);
      assertThat(child.path("parent").path("stepId").asText()).isEqualTo("research");
      assertThat(child.path("parent").path("depth").asInt()).isEqualTo(1);
      assertThat(child.path("steps")).extracting(s -> s.path("id").asText()).contains("find");

      List<JsonNode> childEvents = runs.events(api, childId);
      assertThat(childEvents.get(0).path("type").asText()).isEqualTo("run.started");
      assertThat(types(childEvents)).contains("step.succeeded", "run.completed");
      // The parent's events hold its own steps only: the child's are in the child's journal.
      assertThat(runs.events(api, parentId))
          .noneMatch(e -> e.path("stepId").asText().equals("find"));
    }
  }

  @Test
  void anIntentChildGetsItsBudgetCarvedOutOfItsParentsAndAFailedChildFailsItsStep()
      throws Exception {
    Files.writeString(
        templates.resolve("greet.json"),
        """
        {"description": "Greets.", "steps": [
          {"id": "hello", "capability": "echo", "input": {"hello": "${payload.name}"}}]}
        """);
    Files.writeString(
        templates.resolve("broken.json"),
        """
        {"steps": [{"id": "fail", "kind": "gate", "condition": "false"}]}
        """);
    String budgeted =
        """
        {"payload": {"name": "Ada"}, "plan": {"budget": {"maxCostUsd": 1.0}, "steps": [
          {"id": "greet", "kind": "run", "intent": "greet", "budget": {"maxCostUsd": 0.25}}]}}
        """;
    String failing =
        """
        {"plan": {"steps": [{"id": "broken", "kind": "run", "intent": "broken"}]}}
        """;
    String unknownIntent =
        """
        {"plan": {"steps": [{"id": "nope", "kind": "run", "intent": "no-such-intent"}]}}
        """;
    try (Lattice lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(
                ConfigFactory.parseString(
                    "lattice.planner.template-dir = \""
                        + templates.toString().replace("\\", "/")
                        + "\""))
            .start()) {
      String api = LoopbackApi.start(lattice);

      String parentId = runs.execute(api, budgeted, UUID.randomUUID().toString());
      JsonNode parent = awaitStatus(api, parentId, "completed");
      assertThat(parent.path("output").path("greet").path("hello").path("hello").asText())
          .isEqualTo("Ada");
      String childId = step(parent, "greet").path("childRunId").asText();
      JsonNode started = runs.events(api, childId).get(0);
      assertThat(started.path("data").path("spec").path("source").asText())
          .isEqualTo("intent:greet");
      assertThat(started.path("data").path("spec").path("plan").path("budget").path("maxCostUsd"))
          .isEqualTo(LatticeJson.mapper().readTree("0.25"));

      String failedId = runs.execute(api, failing, UUID.randomUUID().toString());
      JsonNode failed = awaitStatus(api, failedId, "failed");
      JsonNode brokenStep = step(failed, "broken");
      assertThat(brokenStep.path("error").path("errorClass").asText()).isEqualTo("policy_denied");
      assertThat(brokenStep.path("error").path("message").asText())
          .contains("child run " + brokenStep.path("childRunId").asText() + " failed")
          .contains("gate 'fail'");
      assertThat(failed.path("cause").path("stepId").asText()).isEqualTo("broken");
      assertThat(brokenStep.path("attempts").asInt()).isEqualTo(1);

      String unknownId = runs.execute(api, unknownIntent, UUID.randomUUID().toString());
      JsonNode unknown = awaitStatus(api, unknownId, "failed");
      assertThat(step(unknown, "nope").path("error").path("errorClass").asText())
          .isEqualTo("invalid_plan");
      assertThat(step(unknown, "nope").path("error").path("message").asText())
          .contains("no-such-intent");
    }
  }

  @Test
  void pausingResumingAndCancellingTheParentReachesItsChild() throws Exception {
    String request =
        """
        {"plan": {"steps": [
          {"id": "review", "kind": "run", "plan": {"steps": [
            {"id": "approval", "kind": "wait", "signal": "approve"}]}}]}}
        """;
    try (Lattice lattice = Lattice.builder().dataDirectory(data).start()) {
      String api = LoopbackApi.start(lattice);
      String parentId = runs.execute(api, request, UUID.randomUUID().toString());
      String childId =
          step(awaitStep(api, parentId, "review", "running"), "review").path("childRunId").asText();
      awaitStatus(api, childId, "running");
      awaitStep(api, childId, "approval", "waiting");

      post(api, "/api/v1/runs/" + parentId + "/pause", "{\"reason\": \"lunch\"}");
      awaitStatus(api, childId, "paused");
      post(api, "/api/v1/runs/" + parentId + "/resume", "{}");
      awaitStatus(api, childId, "running");

      post(api, "/api/v1/runs/" + parentId + "/cancel", "{\"reason\": \"not needed\"}");
      awaitStatus(api, parentId, "cancelled");
      awaitStatus(api, childId, "cancelled");
      assertThat(runs.events(api, childId))
          .filteredOn(e -> e.path("type").asText().equals("run.paused"))
          .first()
          .satisfies(e -> assertThat(e.path("data").path("reason").asText()).contains("lunch"));
    }
  }

  @Test
  void runStepsNestNoDeeperThanAllowedAndNeedABudgetUnderABudgetedPlan() throws Exception {
    String leaf = "{\"steps\": [{\"id\": \"leaf\", \"capability\": \"echo\"}]}";
    String nested = leaf;
    for (int depth = 0; depth < 4; depth++) {
      nested =
          "{\"steps\": [{\"id\": \"level"
              + depth
              + "\", \"kind\": \"run\", \"plan\": "
              + nested
              + "}]}";
    }
    String tooDeep = "{\"plan\": " + nested + "}";
    String unbudgeted =
        "{\"plan\": {\"budget\": {\"maxTokens\": 1000}, \"steps\": [{\"id\": \"child\","
            + " \"kind\": \"run\", \"plan\": "
            + leaf
            + "}]}}";
    try (Lattice lattice = Lattice.builder().dataDirectory(data).start()) {
      String api = LoopbackApi.start(lattice);
      HttpResponse<String> deep = post(api, "/api/v1/execute", tooDeep);
      assertThat(deep.statusCode()).isEqualTo(400);
      assertThat(deep.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(deep.body()).contains("lattice.run.child.max-depth").contains("4 levels deep");

      HttpResponse<String> noBudget = post(api, "/api/v1/execute", unbudgeted);
      assertThat(noBudget.statusCode()).isEqualTo(400);
      assertThat(noBudget.body()).contains("run step 'child' needs a budget");
      JsonNode listed = runs.list(api);
      assertThat(listed.path("runs")).isEmpty();
    }
  }

  private JsonNode awaitStatus(String api, String runId, String status) throws Exception {
    return awaitRun(api, runId, run -> run.path("status").asText().equals(status));
  }

  private JsonNode awaitStep(String api, String runId, String stepId, String status)
      throws Exception {
    return awaitRun(
        api,
        runId,
        run ->
            run.path("steps").findValues("id").stream().anyMatch(id -> id.asText().equals(stepId))
                && step(run, stepId).path("status").asText().equals(status));
  }

  private JsonNode awaitRun(String api, String runId, Predicate<JsonNode> condition) {
    return runs.awaitRun(api, runId, condition, DEADLINE);
  }

  private static JsonNode step(JsonNode run, String id) {
    for (JsonNode step : run.path("steps")) {
      if (step.path("id").asText().equals(id)) {
        return step;
      }
    }
    throw new AssertionError("no step " + id + " in " + run);
  }

  private static List<String> types(List<JsonNode> events) {
    return events.stream().map(e -> e.path("type").asText()).toList();
  }

  private HttpResponse<String> post(String api, String path, String body)
      throws IOException, InterruptedException {
    return runs.post(api, path, body);
  }
}
