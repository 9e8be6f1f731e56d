package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.RecordedRequest;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over real HTTP, with the scripted model server as the planner's model: a goal becomes a plan the
 * run goes on with; a plan that cannot run goes back to the planner with the reasons; {@code POST
 * /plan} shows the planner's plan without running it; a planner that never gets it right fails the
 * run with {@code invalid_plan}.
 */
class GoalPlanningIT {
  /** A plan the validator refuses: no agent offers this capability. */
  private static final String UNKNOWN_CAPABILITY =
      "{\"steps\": [{\"id\": \"hello\", \"capability\": \"teleport\"}]}";

  /** The plan of a planner that never learns: the reasons it is told name "beam" too. */
  private static final String BEAM = "{\"steps\": [{\"id\": \"up\", \"capability\": \"beam\"}]}";

  /** A plan whose transform fails for good: JSONata's $error. */
  private static final String FAILING_PLAN =
      "{\"steps\": [{\"id\": \"boom\", \"kind\": \"transform\","
          + " \"expression\": \"$error('no greeting today')\"},"
          + " {\"id\": \"after\", \"capability\": \"echo\", \"dependsOn\": [\"boom\"]}]}";

  private static final String SECOND_PLAN =
      "{\"steps\": [{\"id\": \"fallback\", \"capability\": \"echo\","
          + " \"input\": {\"greeting\": \"hi\"}}]}";

  private static final String GOOD_PLAN =
      "{\"steps\": ["
          + "{\"id\": \"hello\", \"capability\": \"echo\","
          + " \"input\": {\"greeting\": \"Hello, ${payload.team}\"}},"
          + "{\"id\": \"loud\", \"kind\": \"transform\", \"dependsOn\": [\"hello\"],"
          + " \"expression\": \"$uppercase(steps.hello.output.greeting)\"}]}";

  @TempDir static Path data;
  static ScriptedModelServer models;
  static Lattice lattice;
  static String api;
  static final HttpClient http = HttpClient.newHttpClient();
  static final HttpRuns runs = new HttpRuns();

  @BeforeAll
  static void start() {
    models =
        ScriptedModelServer.start(
            Script.of(
                    // First match wins: a planner that never learns, whatever it is told.
                    ScriptEntry.text(BEAM).when(Match.regex("(?i)beam")),
                    ScriptEntry.text(SECOND_PLAN).when(Match.contains("Its step 'boom' failed")),
                    ScriptEntry.text(FAILING_PLAN).when(Match.contains("Greet with a fallback")),
                    ScriptEntry.text(GOOD_PLAN).when(Match.contains("That plan cannot run")),
                    ScriptEntry.text(UNKNOWN_CAPABILITY).when(Match.contains("Greet the team")),
                    ScriptEntry.text(GOOD_PLAN).when(Match.contains("Greet the crew")))
                .withModels("scripted-model"));
    lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(
                ConfigFactory.parseString(
                    "lattice.llm.providers.local.base-url = \"" + models.baseUrl() + "/v1\""))
            .start();
    api = LoopbackApi.start(lattice);
  }

  @AfterAll
  static void stop() {
    lattice.close();
    models.close();
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(api + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The run's state over HTTP; unchecked, so that a wait's condition can read it. */
  private static JsonNode runState(Object runId) {
    try {
      return runs.run(api, runId.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static List<JsonNode> events(RunId runId) throws Exception {
    return runs.events(api, runId.value());
  }

  private static RunId execute(String body) throws Exception {
    HttpResponse<String> accepted = post("/api/v1/execute", body);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    return RunId.of(LatticeJson.mapper().readTree(accepted.body()).get("runId").asText());
  }

  private static List<RecordedRequest> requestsAbout(String text) {
    return models.requests().stream()
        .filter(r -> r.body() != null && r.body().toString().contains(text))
        .toList();
  }

  @Test
  void aGoalIsPlannedRepairedAndRun() throws Exception {
    RunId runId = execute("{\"goal\": \"Greet the team.\", \"payload\": {\"team\": \"platform\"}}");
    RunView done = Await.result(lattice.client().awaitTerminal(runId), Duration.ofSeconds(60));

    assertThat(done.status()).as("%s", done).isEqualTo(RunStatus.COMPLETED);
    // The run's output is its plan's, not the planner's.
    assertThat(done.output().path("loud").asText()).isEqualTo("HELLO, PLATFORM");
    assertThat(done.output().has("plan")).isFalse();

    // The first plan was refused, and the planner was told why; the second was adopted.
    List<JsonNode> events = events(runId);
    List<JsonNode> asked =
        events.stream().filter(e -> e.path("type").asText().equals("plan.asked")).toList();
    assertThat(asked).hasSize(2);
    assertThat(asked.get(1).path("data").path("errors").toString()).contains("teleport");
    JsonNode adopted =
        events.stream()
            .filter(e -> e.path("type").asText().equals("plan.adopted"))
            .findFirst()
            .orElseThrow();
    assertThat(adopted.path("data").path("turn").asInt()).isEqualTo(2);
    assertThat(adopted.path("data").path("plan").path("steps")).hasSize(2);
    assertThat(adopted.path("data").path("estimate").path("steps").asInt()).isEqualTo(2);
    // The planner's events come first: nothing of its plan ran before it was adopted.
    long adoptedAt = adopted.path("seq").asLong();
    assertThat(events)
        .filteredOn(e -> e.path("stepId").asText().equals("hello"))
        .allSatisfy(e -> assertThat(e.path("seq").asLong()).isGreaterThan(adoptedAt));
    List<RecordedRequest> repair =
        requestsAbout("That plan cannot run").stream()
            .filter(r -> r.body().toString().contains("Greet the team."))
            .toList();
    assertThat(repair).hasSize(1);
    assertThat(repair.get(0).body().toString()).contains("teleport").contains("Greet the team.");
    // What the planner was shown: the catalogue of capabilities, with descriptions and schemas.
    String firstAsk = requestsAbout("Greet the team.").get(0).body().toString();
    assertThat(firstAsk).contains("\\\"name\\\":\\\"echo\\\"").contains("\\\"platform\\\"");

    // The state shows the planner's step with its turns and their usage.
    JsonNode state = runState(runId);
    JsonNode planner = stepOf(state, "plan");
    assertThat(planner.path("status").asText()).isEqualTo("succeeded");
    assertThat(planner.path("usage").path("promptTokens").asLong()).isPositive();
    assertThat(stepOf(state, "plan.t2").path("status").asText()).isEqualTo("succeeded");
  }

  @Test
  void aRunStepOfAGoalStartsAChildRunThatPlansItAndGivesItsParentTheResult() throws Exception {
    RunId runId =
        execute(
            "{\"payload\": {\"team\": \"crew\"}, \"plan\": {\"steps\": [{\"id\": \"greeting\","
                + " \"kind\": \"run\", \"goal\": \"Greet the crew.\","
                + " \"input\": {\"team\": \"${payload.team}\"}}]}}");
    RunView done = Await.result(lattice.client().awaitTerminal(runId), Duration.ofSeconds(60));
    assertThat(done.status()).as(String.valueOf(done.cause())).isEqualTo(RunStatus.COMPLETED);
    assertThat(done.output().get("greeting").get("loud").asText()).isEqualTo("HELLO, CREW");

    JsonNode child = runs.run(api, done.steps().get(0).childRunId());
    assertThat(child.path("parent").path("runId").asText()).isEqualTo(runId.value());
    assertThat(child.path("steps").get(0).path("kind").asText()).isEqualTo("plan");
    List<String> types = new ArrayList<>();
    runs.events(api, child.path("runId").asText()).forEach(e -> types.add(e.path("type").asText()));
    assertThat(types).contains("plan.asked", "plan.adopted", "run.completed");
  }

  @Test
  void planShowsThePlannersPlanWithoutRunningIt() throws Exception {
    int before = requestsAbout("Greet the team, dry.").size();
    HttpResponse<String> planned =
        post(
            "/api/v1/plan", "{\"goal\": \"Greet the team, dry.\", \"payload\": {\"team\": \"x\"}}");

    assertThat(planned.statusCode()).as(planned.body()).isEqualTo(200);
    JsonNode body = LatticeJson.mapper().readTree(planned.body());
    assertThat(body.path("source").asText()).isEqualTo("goal");
    assertThat(body.path("plan").path("steps").get(0).path("capability").asText())
        .isEqualTo("echo");
    assertThat(body.path("estimate").path("steps").asInt()).isEqualTo(2);
    assertThat(body.path("plannerUsage").path("promptTokens").asLong()).isPositive();
    assertThat(requestsAbout("Greet the team, dry.")).hasSize(before + 2);

    // The planning run is a dry run: its plan's steps never ran.
    RunId planning = RunId.of(body.path("plannedBy").asText());
    JsonNode state = runState(planning);
    assertThat(state.path("mode").asText()).isEqualTo("dry-run");
    assertThat(state.path("status").asText()).isEqualTo("completed");
    List<String> ids = new ArrayList<>();
    state.path("steps").forEach(step -> ids.add(step.path("id").asText()));
    assertThat(ids).containsExactly("plan", "plan.t1", "plan.t2");
  }

  @Test
  void aPlannerThatNeverWritesAPlanThatCanRunFailsTheRunWithInvalidPlan() throws Exception {
    RunId runId = execute("{\"goal\": \"Beam the team up.\"}");
    RunView done = Await.result(lattice.client().awaitTerminal(runId), Duration.ofSeconds(60));

    assertThat(done.status()).isEqualTo(RunStatus.FAILED);
    assertThat(done.cause().stepId()).isEqualTo("plan");
    assertThat(done.cause().errorClass().wire()).isEqualTo("invalid_plan");
    assertThat(done.cause().message()).contains("maxTurns 3").contains("'beam'");
    assertThat(requestsAbout("Beam the team up.")).hasSize(3);

    HttpResponse<String> dry = post("/api/v1/plan", "{\"goal\": \"Beam the team up, dry.\"}");
    assertThat(dry.statusCode()).isEqualTo(400);
    assertThat(dry.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(dry.body()).contains("the planner wrote no plan that can run");
  }

  @Test
  void inApproveModeThePlanWaitsForAPersonWhoApprovesItEdited() throws Exception {
    RunId runId =
        execute(
            "{\"goal\": \"Greet the team, approved.\", \"mode\": \"approve\","
                + " \"payload\": {\"team\": \"ops\"}}");
    Await.until(
        () -> stepOf(runState(runId), "plan").path("status").asText().equals("waiting"),
        Duration.ofSeconds(30));
    // Nothing of the plan has run.
    JsonNode waiting = runState(runId);
    assertThat(waiting.path("status").asText()).isEqualTo("running");
    List<String> ids = new ArrayList<>();
    waiting.path("steps").forEach(step -> ids.add(step.path("id").asText()));
    assertThat(ids).containsExactly("plan", "plan.t1", "plan.t2");

    String path = "/api/v1/runs/" + runId + "/signals/approve-plan";
    HttpResponse<String> refused =
        post(
            path,
            "{\"data\": {\"plan\": {\"steps\": [{\"id\": \"x\", \"capability\": \"nope\"}]}}}");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
    assertThat(refused.body()).contains("the edited plan cannot run").contains("'nope'");

    HttpResponse<String> approved =
        post(
            path,
            "{\"actor\": \"alice\", \"reason\": \"one step is enough\", \"data\": {\"plan\":"
                + " {\"steps\": [{\"id\": \"only\", \"capability\": \"echo\","
                + " \"input\": {\"to\": \"${payload.team}\"}}]}}}");
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
    RunView done = Await.result(lattice.client().awaitTerminal(runId), Duration.ofSeconds(30));
    assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(done.output().path("only").path("to").asText()).isEqualTo("ops");
    List<JsonNode> planEvents =
        events(runId).stream().filter(e -> e.path("type").asText().startsWith("plan.")).toList();
    assertThat(planEvents)
        .extracting(e -> e.path("type").asText())
        .containsExactly("plan.asked", "plan.asked", "plan.proposed", "plan.adopted");
    assertThat(planEvents.get(3).path("data").path("approvedBy").asText()).isEqualTo("alice");
    assertThat(planEvents.get(3).path("data").path("plan").path("steps")).hasSize(1);

    // The approval is not a mode for a plan that needs no planner.
    HttpResponse<String> planOnly =
        post(
            "/api/v1/execute",
            "{\"mode\": \"approve\", \"plan\": {\"steps\": [{\"id\": \"a\", \"capability\": \"echo\"}]}}");
    assertThat(planOnly.statusCode()).isEqualTo(400);
    assertThat(planOnly.body()).contains("give a 'goal'");
  }

  @Test
  void aRunThatMayReplanAsksForANewPlanWhenAStepFailsForGood() throws Exception {
    RunId runId = execute("{\"goal\": \"Greet with a fallback.\", \"replans\": 1}");
    RunView done = Await.result(lattice.client().awaitTerminal(runId), Duration.ofSeconds(60));

    assertThat(done.status()).as("%s", done.cause()).isEqualTo(RunStatus.COMPLETED);
    assertThat(done.output().path("fallback").path("greeting").asText()).isEqualTo("hi");
    JsonNode state = runState(runId);
    assertThat(stepOf(state, "boom").path("status").asText()).isEqualTo("failed");
    assertThat(stepOf(state, "after").path("status").asText()).isEqualTo("skipped");
    assertThat(stepOf(state, "plan-2").path("status").asText()).isEqualTo("succeeded");
    assertThat(events(runId))
        .filteredOn(e -> e.path("type").asText().equals("plan.replanning"))
        .singleElement()
        .satisfies(e -> assertThat(e.path("data").path("failedStep").asText()).isEqualTo("boom"));
    assertThat(requestsAbout("Its step 'boom' failed").get(0).body().toString())
        .contains("no greeting today");
  }

  @Test
  void anMcpClientAchievesAGoal() {
    McpSyncClient client =
        McpClient.sync(HttpClientStreamableHttpTransport.builder(api).endpoint("/mcp").build())
            .requestTimeout(Duration.ofSeconds(60))
            .build();
    try {
      client.initialize();
      assertThat(client.listTools().tools())
          .extracting(McpSchema.Tool::name)
          .contains("lattice.achieve_goal");
      McpSchema.CallToolResult result =
          client.callTool(
              new McpSchema.CallToolRequest(
                  "lattice.achieve_goal",
                  Map.of("goal", "Greet the team over MCP.", "payload", Map.of("team", "mcp"))));

      assertThat(result.isError()).isFalse();
      assertThat(result.structuredContent().toString()).contains("HELLO, MCP");
    } finally {
      client.closeGracefully();
    }
  }

  @Test
  void aBadGoalRequestIsRefusedAndStartsNothing() throws Exception {
    int requests = models.requests().size();
    HttpResponse<String> blank = post("/api/v1/execute", "{\"goal\": \"  \"}");
    HttpResponse<String> both =
        post("/api/v1/execute", "{\"goal\": \"Greet.\", \"intent\": \"indexing\"}");
    HttpResponse<String> tooLong =
        post("/api/v1/execute", "{\"goal\": \"" + "x".repeat(5000) + "\"}");
    HttpResponse<String> manyReplans =
        post("/api/v1/execute", "{\"goal\": \"Greet.\", \"replans\": 99}");
    HttpResponse<String> replansOfAPlan =
        post(
            "/api/v1/execute",
            "{\"replans\": 1, \"plan\": {\"steps\": [{\"id\": \"a\", \"capability\": \"echo\"}]}}");
    HttpResponse<String> notText = post("/api/v1/execute", "{\"goal\": {\"nested\": [1, 2]}}");

    for (HttpResponse<String> refused :
        List.of(blank, both, tooLong, manyReplans, replansOfAPlan, notText)) {
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
      assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
    assertThat(blank.body()).contains("the goal is blank");
    assertThat(both.body()).contains("exactly one of");
    assertThat(tooLong.body()).contains("max-goal-chars");
    assertThat(manyReplans.body()).contains("max-replans");
    assertThat(replansOfAPlan.body()).contains("give a 'goal'");
    assertThat(notText.body()).contains("goal");
    assertThat(models.requests()).hasSize(requests);
  }

  private static JsonNode stepOf(JsonNode state, String id) {
    for (JsonNode step : state.path("steps")) {
      if (step.path("id").asText().equals(id)) {
        return step;
      }
    }
    throw new AssertionError("no step " + id + " in " + state);
  }
}
