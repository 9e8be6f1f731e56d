package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.TimeoutAccess;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint of the API and every error status, through the routes over a real node. */
class HttpApiRouteTest extends JUnitRouteTest {
  private static final long MAX_BODY = 64 * 1024;
  private static final Duration READY = Duration.ofSeconds(20);
  private static final String ECHO_PLAN =
      "{\"plan\":{\"steps\":[{\"id\":\"a\",\"kind\":\"agent\",\"capability\":\"echo\","
          + "\"input\":{\"text\":\"hello\"}},{\"id\":\"b\",\"kind\":\"agent\",\"capability\":\"echo\","
          + "\"dependsOn\":[\"a\"]}]},\"payload\":{\"n\":1}}";

  private static final String FAILING_SHELL_PLAN =
      "{\"plan\":{\"steps\":[{\"id\":\"no\",\"kind\":\"agent\",\"capability\":\"shell\","
          + "\"input\":{\"command\":[\"false\"]},\"retry\":{\"maxAttempts\":1}}]}}";

  @TempDir static Path data;
  static Lattice lattice;
  static Route route;

  @BeforeAll
  static void start() {
    lattice = Lattice.builder().dataDirectory(data).start();
    HttpSettings defaults = HttpSettings.create(lattice.system().settings().config());
    HttpSettings settings =
        new HttpSettings(
            "127.0.0.1",
            API_PORT,
            MAX_BODY,
            Duration.ofSeconds(1),
            2,
            5,
            Duration.ofSeconds(2),
            Duration.ofSeconds(10),
            Duration.ofSeconds(1),
            List.of(),
            List.of(),
            Duration.ofMinutes(1),
            defaults.json(),
            defaults.retryAfter());
    route = new HttpApi(lattice.client(), lattice.system(), settings).route();
  }

  @AfterAll
  static void stop() {
    lattice.close();
  }

  @Override
  ActorSystem<?> nodeSystem() {
    return lattice.system();
  }

  private TestRouteResult run(HttpRequest request) {
    return testRoute(route).run(request);
  }

  @Test
  void aRequestPastTheServersTimeoutAnswersAnUnavailableProblemWithRetryAfter() throws Exception {
    RecordingTimeoutAccess timeout = new RecordingTimeoutAccess();
    HttpRequest request = HttpRequest.GET("/health").addHeader(TimeoutAccess.create(timeout));
    run(request).assertStatusCode(200);

    HttpResponse answer = timeout.answer(request);

    assertThat(answer.status().intValue()).isEqualTo(503);
    assertThat(answer.entity().getContentType().toString()).isEqualTo("application/problem+json");
    assertThat(answer.getHeader("Retry-After")).isPresent();
    JsonNode problem =
        LatticeJson.mapper().readTree(((HttpEntity.Strict) answer.entity()).getData().utf8String());
    assertThat(problem.get("type").asText()).isEqualTo("urn:lattice:problem:unavailable");
    assertThat(problem.get("detail").asText()).contains("request timeout");
  }

  private String execute(String body) {
    TestRouteResult result = run(post("/api/v1/execute", body));
    result.assertStatusCode(202);
    String runId = json(result).get("runId").asText();
    result.assertHeaderExists("Location", "/api/v1/runs/" + runId);
    return runId;
  }

  @Test
  void planReturnsTheValidatedPlanWithItsEstimateAndRunsNothing() {
    long before = runCount(lattice);
    TestRouteResult result =
        run(post("/api/v1/plan", "{\"intent\":\"indexing\",\"payload\":{\"documents\":[\"a\"]}}"));
    result.assertStatusCode(200).assertMediaType("application/json");
    JsonNode planned = json(result);
    assertThat(planned.get("source").asText()).isEqualTo("intent:indexing");
    assertThat(planned.get("plan").get("steps").size()).isGreaterThan(1);
    assertThat(planned.get("estimate").get("steps").asInt())
        .isEqualTo(planned.get("plan").get("steps").size());
    assertThat(runCount(lattice)).isEqualTo(before);
  }

  @Test
  void executeStartsARunThatCanBeReadBack() {
    String runId = execute(ECHO_PLAN);
    Await.result(lattice.client().awaitTerminal(RunId.of(runId)));
    TestRouteResult result = run(HttpRequest.GET("/api/v1/runs/" + runId));
    result.assertStatusCode(200);
    JsonNode view = json(result);
    assertThat(view.get("status").asText()).isEqualTo("completed");
    assertThat(view.get("tenant").asText()).isEqualTo("default");
    assertThat(view.get("steps").findValuesAsText("status"))
        .containsExactly("succeeded", "succeeded");
    assertThat(view.get("steps").get(0).get("attempts").asInt()).isEqualTo(1);
    assertThat(view.get("steps").get(0).get("output").get("text").asText()).isEqualTo("hello");
    assertThat(view.has("usage")).isTrue();
  }

  @Test
  void anIdempotencyKeyReturnsTheSameRunInsteadOfStartingASecond() {
    HttpRequest request =
        post("/api/v1/execute", ECHO_PLAN)
            .addHeader(RawHeader.create("Idempotency-Key", "order-42"));
    long before = runCount(lattice);
    JsonNode first = json(run(request).assertStatusCode(202));
    JsonNode second = json(run(request).assertStatusCode(202));
    assertThat(second.get("runId")).isEqualTo(first.get("runId"));
    assertThat(first.get("created").asBoolean()).isTrue();
    assertThat(second.get("created").asBoolean()).isFalse();
    assertThat(runCount(lattice)).isEqualTo(before + 1);

    JsonNode bad =
        problem(
            run(
                post("/api/v1/execute", ECHO_PLAN)
                    .addHeader(RawHeader.create("Idempotency-Key", "with space"))),
            400,
            "invalid-request");
    assertThat(bad.get("field").asText()).isEqualTo("Idempotency-Key");
  }

  @Test
  void clientMistakesAreProblemsThatChangeNothing() {
    long before = runCount(lattice);
    problem(run(post("/api/v1/execute", "{\"intent\":")), 400, "malformed-json");
    problem(run(post("/api/v1/execute", "")), 400, "malformed-json");
    problem(run(post("/api/v1/execute", "[]")), 400, "invalid-request");
    assertThat(
            problem(
                    run(post("/api/v1/execute", "{\"intent\":\"indexing\",\"bogus\":1}")),
                    400,
                    "invalid-request")
                .get("field")
                .asText())
        .isEqualTo("bogus");
    assertThat(
            problem(
                    run(post("/api/v1/execute", "{\"intent\":\"indexing\",\"mode\":\"fast\"}")),
                    400,
                    "invalid-request")
                .get("field")
                .asText())
        .isEqualTo("mode");
    JsonNode wrongType =
        problem(
            run(
                post(
                    "/api/v1/execute",
                    "{\"plan\":{\"steps\":[{\"id\":\"a\",\"kind\":\"agent\",\"capability\":\"echo\",\"retry\":{\"maxAttempts\":\"x\"}}]}}")),
            400,
            "invalid-request");
    assertThat(wrongType.get("field").asText()).isEqualTo("plan.steps[0].retry.maxAttempts");
    assertThat(wrongType.get("detail").asText()).contains("whole number").doesNotContain("java");
    JsonNode cycle =
        problem(
            run(
                post(
                    "/api/v1/execute",
                    "{\"plan\":{\"steps\":[{\"id\":\"a\",\"kind\":\"agent\",\"capability\":\"echo\",\"dependsOn\":[\"b\"]},{\"id\":\"b\",\"kind\":\"agent\",\"capability\":\"echo\",\"dependsOn\":[\"a\"]}]}}")),
            400,
            "invalid-plan");
    assertThat(cycle.get("detail").asText()).contains("cycle");
    assertThat(cycle.get("field").asText()).startsWith("plan.steps[");
    assertThat(
            problem(run(post("/api/v1/execute", "{\"intent\":\"nope\"}")), 400, "invalid-plan")
                .get("field")
                .asText())
        .isEqualTo("intent");
    problem(
        run(
            HttpRequest.POST("/api/v1/execute")
                .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "{}"))),
        415,
        "unsupported-media-type");
    String huge = "{\"intent\":\"indexing\",\"payload\":\"" + "x".repeat((int) MAX_BODY) + "\"}";
    problem(run(post("/api/v1/execute", huge)), 413, "payload-too-large");
    assertThat(runCount(lattice)).isEqualTo(before);
  }

  @Test
  void wrongMethodsAndUnknownPathsAreProblems() {
    TestRouteResult wrongMethod = run(HttpRequest.GET("/api/v1/execute"));
    problem(wrongMethod, 405, "method-not-allowed");
    wrongMethod.assertHeaderExists("Allow", "POST");
    problem(
        run(
            HttpRequest.DELETE("/api/v1/runs")
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, ""))),
        405,
        "method-not-allowed");
    problem(run(HttpRequest.GET("/api/v1/nothing-here")), 404, "not-found");
  }

  @Test
  void unknownRunsAreNotFound() {
    String unknown = RunId.random().value();
    assertThat(
            problem(run(HttpRequest.GET("/api/v1/runs/" + unknown)), 404, "run-not-found")
                .get("field")
                .asText())
        .isEqualTo("runId");
    problem(run(HttpRequest.GET("/api/v1/runs/not%20an%20id")), 404, "run-not-found");
    problem(run(HttpRequest.GET("/api/v1/runs/" + unknown + "/events")), 404, "run-not-found");
  }

  @Test
  void runsAreListedNewestFirstFilteredAndPaged() {
    String oldest = execute(ECHO_PLAN);
    String older = execute(ECHO_PLAN);
    String newer = execute(ECHO_PLAN.replace("\"payload\":{", "\"tenant\":\"acme\",\"payload\":{"));
    Await.result(lattice.client().awaitTerminal(RunId.of(newer)));
    Await.result(lattice.client().awaitTerminal(RunId.of(older)));
    Await.result(lattice.client().awaitTerminal(RunId.of(oldest)));

    JsonNode acme =
        json(
            run(HttpRequest.GET("/api/v1/runs?tenant=acme&status=completed"))
                .assertStatusCode(200));
    assertThat(acme.get("runs").findValuesAsText("runId")).containsExactly(newer);

    // The default page size here is 2; pages follow each other without overlap.
    JsonNode first = json(run(HttpRequest.GET("/api/v1/runs")).assertStatusCode(200));
    assertThat(first.get("runs")).hasSize(2);
    assertThat(first.get("runs").get(0).get("runId").asText()).isEqualTo(newer);
    JsonNode second =
        json(
            run(HttpRequest.GET("/api/v1/runs?limit=5&after=" + first.get("next").asText()))
                .assertStatusCode(200));
    assertThat(second.get("runs").findValuesAsText("runId"))
        .doesNotContainAnyElementsOf(first.get("runs").findValuesAsText("runId"));

    assertThat(
            problem(run(HttpRequest.GET("/api/v1/runs?status=sleeping")), 400, "invalid-request")
                .get("field")
                .asText())
        .isEqualTo("status");
    assertThat(
            problem(run(HttpRequest.GET("/api/v1/runs?limit=0")), 400, "invalid-request")
                .get("field")
                .asText())
        .isEqualTo("limit");
    assertThat(
            problem(run(HttpRequest.GET("/api/v1/runs?limit=6")), 400, "invalid-request")
                .get("field")
                .asText())
        .isEqualTo("limit");
    assertThat(
            problem(run(HttpRequest.GET("/api/v1/runs?tenant=Not%20Valid")), 400, "invalid-request")
                .get("field")
                .asText())
        .isEqualTo("tenant");
  }

  @Test
  void eventsAreNewlineDelimitedJsonByDefaultAndServerSentEventsOnRequest() {
    String runId = execute(ECHO_PLAN);
    Await.result(lattice.client().awaitTerminal(RunId.of(runId)));
    String path = "/api/v1/runs/" + runId + "/events";

    TestRouteResult ndjson = run(HttpRequest.GET(path)).assertStatusCode(200);
    ndjson.assertMediaType("application/x-ndjson");
    List<String> lines = ndjson.entityString().lines().toList();
    // Two steps and the run's start and end; a step that takes longer than the started-record
    // delay (a busy machine) records its start as an event of its own.
    int last = lines.size();
    assertThat(last).isBetween(4, 6);
    assertThat(lines.get(0)).contains("\"seq\":1").contains("\"type\":\"run.started\"");
    assertThat(lines.get(last - 1))
        .contains("\"seq\":" + last)
        .contains("\"type\":\"run.completed\"");

    List<String> fromThree =
        run(HttpRequest.GET(path + "?from=3"))
            .assertStatusCode(200)
            .entityString()
            .lines()
            .toList();
    assertThat(fromThree).containsExactlyElementsOf(lines.subList(2, last));

    TestRouteResult sse =
        run(HttpRequest.GET(path).addHeader(RawHeader.create("Accept", "text/event-stream")))
            .assertStatusCode(200);
    sse.assertMediaType("text/event-stream");
    assertThat(sse.entityString())
        .contains("id:1\n")
        .contains("event:run.started\n")
        .contains("id:" + last + "\n");

    TestRouteResult resumed =
        run(
            HttpRequest.GET(path)
                .addHeader(RawHeader.create("Accept", "text/event-stream"))
                .addHeader(RawHeader.create("Last-Event-ID", "2")));
    assertThat(resumed.entityString())
        .doesNotContain("id:1\n")
        .doesNotContain("id:2\n")
        .contains("id:3\n")
        .contains("id:" + last + "\n");

    assertThat(
            problem(run(HttpRequest.GET(path + "?from=abc")), 400, "invalid-request")
                .get("field")
                .asText())
        .isEqualTo("from");
    assertThat(
            problem(run(HttpRequest.GET(path + "?from=0")), 400, "invalid-request")
                .get("field")
                .asText())
        .isEqualTo("from");
    assertThat(
            problem(
                    run(HttpRequest.GET(path).addHeader(RawHeader.create("Last-Event-ID", "x"))),
                    400,
                    "invalid-request")
                .get("field")
                .asText())
        .isEqualTo("Last-Event-ID");
    assertThat(
            problem(run(HttpRequest.GET(path + "?deltas=maybe")), 400, "invalid-request")
                .get("field")
                .asText())
        .isEqualTo("deltas");
    assertThat(run(HttpRequest.GET(path + "?deltas=false")).entityString())
        .isEqualTo(run(HttpRequest.GET(path)).entityString());
  }

  @Test
  void stateShowsMembersAgentsQueuesAndRunsByStatus() {
    String runId = execute(ECHO_PLAN);
    Await.result(lattice.client().awaitTerminal(RunId.of(runId)));
    String failing = execute(FAILING_SHELL_PLAN);
    Await.result(lattice.client().awaitTerminal(RunId.of(failing)));
    JsonNode state = json(run(HttpRequest.GET("/api/v1/state")).assertStatusCode(200));
    assertThat(state.get("members").get(0).asText()).contains("up");
    assertThat(state.get("roles").toString()).contains("orchestrator").contains("worker");
    assertThat(state.get("agents").findValuesAsText("agentId")).contains("local.echo");
    assertThat(state.get("agents").get(0).has("load")).isTrue();
    assertThat(state.get("queues").findValuesAsText("busKey"))
        .anyMatch(k -> k.startsWith("agent/echo/"));
    assertThat(state.get("runs").get("completed").asLong()).isGreaterThanOrEqualTo(1);
    // Each queue reports how long its work waited for an agent and its failures by error class.
    List<JsonNode> echo = queues(state, "agent/echo/");
    assertThat(echo.stream().mapToLong(q -> q.get("queueWait").get("count").asLong()).sum())
        .isGreaterThanOrEqualTo(2);
    for (JsonNode queue : echo) {
      JsonNode wait = queue.get("queueWait");
      assertThat(wait.get("p50Ms").asDouble()).isGreaterThanOrEqualTo(0);
      assertThat(wait.get("p90Ms").asDouble()).isGreaterThanOrEqualTo(wait.get("p50Ms").asDouble());
      assertThat(wait.get("p99Ms").asDouble()).isGreaterThanOrEqualTo(wait.get("p90Ms").asDouble());
      assertThat(queue.get("inFlightByAgent").isObject()).isTrue();
    }
    assertThat(
            queues(state, "agent/shell/").stream()
                .mapToLong(q -> q.get("failures").path("agent_error").asLong())
                .sum())
        .isGreaterThanOrEqualTo(1);

    JsonNode agents = json(run(HttpRequest.GET("/api/v1/agents")).assertStatusCode(200));
    assertThat(agents.findValuesAsText("agentId")).contains("local.echo", "local.shell");

    // The cluster view: this node, the only member, is up, the leader, and hosts every shard.
    JsonNode member = state.get("cluster").get("members").get(0);
    assertThat(state.get("cluster").get("members").size()).isEqualTo(1);
    assertThat(member.get("address").asText()).isEqualTo(lattice.address());
    assertThat(member.get("name").asText()).isEqualTo("local");
    assertThat(member.get("roles").toString()).isEqualTo("[\"orchestrator\",\"worker\"]");
    assertThat(member.get("status").asText()).isEqualTo("up");
    assertThat(member.get("reachable").asBoolean()).isTrue();
    assertThat(member.get("leader").asBoolean()).isTrue();
    assertThat(member.get("self").asBoolean()).isTrue();
    JsonNode shards = state.get("cluster").get("shards");
    assertThat(shards.findValuesAsText("type")).containsExactly("runs", "dispatchers", "ledgers");
    JsonNode runs = shards.get(0).get("nodes").get(0);
    assertThat(runs.get("address").asText()).isEqualTo(lattice.address());
    assertThat(runs.get("reply").asText()).isEqualTo("answered");
    assertThat(runs.get("shards").asInt()).isGreaterThanOrEqualTo(1);
    JsonNode dispatchers = shards.get(1).get("nodes").get(0);
    assertThat(dispatchers.get("entities").asInt()).isGreaterThanOrEqualTo(echo.size());
  }

  /** The queues in {@code state} whose bus key starts with {@code prefix}. */
  private static List<JsonNode> queues(JsonNode state, String prefix) {
    List<JsonNode> found = new ArrayList<>();
    state
        .get("queues")
        .forEach(
            q -> {
              if (q.get("busKey").asText().startsWith(prefix)) {
                found.add(q);
              }
            });
    assertThat(found).as("queues of " + prefix).isNotEmpty();
    return found;
  }

  @Test
  void agentsShowTheirCircuitBreakers() {
    // Each agent reports its breakers to the directory just after registering.
    JsonNode[] echo = new JsonNode[1];
    Await.until(
        () -> {
          for (JsonNode agent : json(run(HttpRequest.GET("/api/v1/agents")))) {
            if (agent.get("agentId").asText().equals("local.echo")) {
              echo[0] = agent;
            }
          }
          return echo[0] != null && echo[0].has("breaker");
        },
        Duration.ofSeconds(10));
    JsonNode breaker = echo[0].get("breaker");
    assertThat(breaker.get("state").asText()).isEqualTo("closed");
    assertThat(breaker.get("consecutiveFailures").asInt()).isZero();
    assertThat(breaker.get("since").asText()).isNotBlank();
    assertThat(breaker.has("openUntil")).isFalse();
    assertThat(echo[0].get("modelBreakers").size()).isZero();
  }

  @Test
  void probesAnswer() {
    assertThat(json(run(HttpRequest.GET("/health")).assertStatusCode(200)).get("status").asText())
        .isEqualTo("up");
    // The shard regions register with their coordinators a moment after the node is up.
    Await.until(() -> run(HttpRequest.GET("/ready")).response().status().intValue() == 200, READY);
    JsonNode ready = json(run(HttpRequest.GET("/ready")).assertStatusCode(200));
    assertThat(ready.get("status").asText()).isEqualTo("ready");
    assertThat(ready.get("checks").findValuesAsText("name"))
        .containsExactly("cluster", "sharding", "journal");
    assertThat(ready.get("checks").findValuesAsText("ok")).containsOnly("true");
  }

  private static final String NAP_THEN_ECHO =
      "{\"plan\":{\"steps\":[{\"id\":\"nap\",\"kind\":\"agent\",\"capability\":\"shell\","
          + "\"input\":{\"command\":[\"sleep\",\"1\"]}},{\"id\":\"after\",\"kind\":\"agent\","
          + "\"capability\":\"echo\",\"dependsOn\":[\"nap\"]}]}}";

  private JsonNode intervene(String runId, String action, String body) {
    HttpRequest request =
        body == null
            ? post("/api/v1/runs/" + runId + "/" + action, "")
            : post("/api/v1/runs/" + runId + "/" + action, body);
    return json(run(request).assertStatusCode(200));
  }

  @Test
  void aPausedRunFinishesWhatIsInFlightAndDispatchesNothingUntilResumed() {
    String runId = execute(NAP_THEN_ECHO);
    JsonNode paused = intervene(runId, "pause", "{\"actor\":\"ops\",\"reason\":\"deploy\"}");
    assertThat(paused.get("status").asText()).isEqualTo("paused");
    // Pausing again is harmless.
    assertThat(intervene(runId, "pause", null).get("status").asText()).isEqualTo("paused");
    JsonNode listed =
        json(run(HttpRequest.GET("/api/v1/runs?status=paused")).assertStatusCode(200));
    assertThat(listed.get("runs").findValuesAsText("runId")).contains(runId);

    // The nap was in flight: it finishes and is recorded, and nothing after it starts.
    Await.until(() -> "succeeded".equals(stepStatus(runId, "nap")), Duration.ofSeconds(20));
    assertThat(stepStatus(runId, "after")).isEqualTo("pending");

    assertThat(intervene(runId, "resume", null).get("status").asText()).isEqualTo("running");
    Await.result(lattice.client().awaitTerminal(RunId.of(runId)));
    assertThat(stepStatus(runId, "after")).isEqualTo("succeeded");

    List<String> types =
        run(HttpRequest.GET("/api/v1/runs/" + runId + "/events"))
            .entityString()
            .lines()
            .map(line -> line.replaceAll(".*\"type\":\"([^\"]+)\".*", "$1"))
            .toList();
    assertThat(types).contains("run.paused", "run.resumed").endsWith("run.completed");

    // A completed run can be neither resumed nor cancelled.
    JsonNode conflict =
        problem(run(post("/api/v1/runs/" + runId + "/resume", "")), 409, "conflict");
    assertThat(conflict.get("detail").asText()).contains("completed");
    problem(run(post("/api/v1/runs/" + runId + "/cancel", "")), 409, "conflict");
  }

  @Test
  void aCancelledRunEndsAtOnceWithWhoCancelledIt() {
    String runId = execute(NAP_THEN_ECHO);
    JsonNode cancelled = intervene(runId, "cancel", "{\"reason\":\"not needed\"}");
    assertThat(cancelled.get("status").asText()).isEqualTo("cancelled");
    assertThat(cancelled.get("cause").get("message").asText())
        .isEqualTo("cancelled by api: not needed");
    assertThat(intervene(runId, "cancel", null).get("status").asText()).isEqualTo("cancelled");
    List<String> lines =
        run(HttpRequest.GET("/api/v1/runs/" + runId + "/events")).entityString().lines().toList();
    assertThat(lines.get(lines.size() - 1)).contains("\"type\":\"run.cancelled\"");

    problem(
        run(post("/api/v1/runs/" + RunId.random().value() + "/pause", "")), 404, "run-not-found");
    problem(
        run(
            HttpRequest.POST("/api/v1/runs/" + runId + "/pause")
                .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "now"))),
        415,
        "unsupported-media-type");
    problem(run(post("/api/v1/runs/" + runId + "/pause", "{\"who\":1}")), 400, "invalid-request");
    problem(run(HttpRequest.GET("/api/v1/runs/" + runId + "/pause")), 405, "method-not-allowed");
  }

  private String stepStatus(String runId, String stepId) {
    return Await.result(lattice.client().run(RunId.of(runId))).steps().stream()
        .filter(s -> s.id().equals(stepId))
        .findFirst()
        .orElseThrow()
        .status()
        .toString()
        .toLowerCase(Locale.ROOT);
  }

  @Test
  void aDryRunRecordsThePlanAndRunsNothing() {
    String runId = execute("{\"intent\":\"code-build-test\",\"mode\":\"dry-run\"}");
    JsonNode run = json(run(HttpRequest.GET("/api/v1/runs/" + runId)).assertStatusCode(200));
    assertThat(run.get("status").asText()).isEqualTo("completed");
    assertThat(run.get("mode").asText()).isEqualTo("dry-run");
    assertThat(run.get("steps").findValuesAsText("status")).containsOnly("pending");
    assertThat(run.get("output").get("dryRun").asBoolean()).isTrue();
  }

  private static final String APPROVALS =
      "{\"plan\":{\"steps\":[{\"id\":\"legal\",\"kind\":\"wait\",\"signal\":\"approve\"},"
          + "{\"id\":\"security\",\"kind\":\"wait\",\"signal\":\"approve\"},"
          + "{\"id\":\"ship\",\"capability\":\"echo\",\"dependsOn\":[\"legal\",\"security\"],"
          + "\"input\":{\"by\":\"${steps.security.output.by}\"}}]}}";

  @Test
  void signalsCompleteWaitingApprovalsAddressedByStepId() {
    String runId = execute(APPROVALS);
    Await.until(() -> "waiting".equals(stepStatus(runId, "security")), Duration.ofSeconds(10));
    JsonNode shown = json(run(HttpRequest.GET("/api/v1/runs/" + runId)).assertStatusCode(200));
    assertThat(shown.get("steps").get(0).get("signal").asText()).isEqualTo("approve");

    JsonNode ambiguous =
        problem(run(post("/api/v1/runs/" + runId + "/signals/approve", "")), 409, "conflict");
    assertThat(ambiguous.get("detail").asText()).contains("say which with 'stepId'");
    problem(run(post("/api/v1/runs/" + runId + "/signals/reject", "")), 409, "conflict");
    problem(
        run(post("/api/v1/runs/" + RunId.random().value() + "/signals/approve", "")),
        404,
        "run-not-found");
    problem(
        run(post("/api/v1/runs/" + runId + "/signals/approve", "{\"stepId\":")),
        400,
        "malformed-json");

    String security = "{\"stepId\":\"security\",\"data\":{\"by\":\"sam\"},\"actor\":\"sam\"}";
    JsonNode after = intervene(runId, "signals/approve", security);
    assertThat(after.get("steps").get(1).get("status").asText()).isEqualTo("succeeded");
    // The same signal again changes nothing.
    intervene(runId, "signals/approve", security);
    intervene(runId, "signals/approve", "{\"stepId\":\"legal\"}");
    RunView done = Await.result(lattice.client().awaitTerminal(RunId.of(runId)));
    assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(done.output().get("ship").get("by").asText()).isEqualTo("sam");
    List<String> lines =
        run(HttpRequest.GET("/api/v1/runs/" + runId + "/events")).entityString().lines().toList();
    assertThat(lines.stream().filter(l -> l.contains("\"type\":\"step.signalled\"")))
        .hasSize(2)
        .anySatisfy(l -> assertThat(l).contains("\"actor\":\"sam\""));
    assertThat(lines.stream().filter(l -> l.contains("\"type\":\"step.waiting\""))).hasSize(2);
  }

  @Test
  void anOverrideCompletesAWaitingStepAndIsRefusedForOneThatIsNot() {
    String runId =
        execute(
            "{\"plan\":{\"steps\":[{\"id\":\"ok\",\"kind\":\"wait\",\"signal\":\"go\"},"
                + "{\"id\":\"a\",\"capability\":\"echo\",\"dependsOn\":[\"ok\"]}]}}");
    Await.until(() -> "waiting".equals(stepStatus(runId, "ok")), Duration.ofSeconds(10));
    String path = "/api/v1/runs/" + runId + "/steps/ok/override";
    problem(run(post(path, "{\"reason\":\"no output\"}")), 400, "invalid-request");
    problem(
        run(post("/api/v1/runs/" + runId + "/steps/a/override", "{\"output\":1}")),
        409,
        "conflict");
    problem(
        run(post("/api/v1/runs/" + runId + "/steps/zz/override", "{\"output\":1}")),
        409,
        "conflict");
    JsonNode after =
        json(
            run(post(path, "{\"output\":{\"manual\":true},\"actor\":\"ops\",\"reason\":\"x\"}"))
                .assertStatusCode(200));
    assertThat(after.get("steps").get(0).get("output").get("manual").asBoolean()).isTrue();
    RunView done = Await.result(lattice.client().awaitTerminal(RunId.of(runId)));
    assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void strictModeRefusesAPlanWithPolicyWarningsAndPlanShowsThem() {
    long before = runCount(lattice);
    JsonNode refused =
        problem(
            run(post("/api/v1/execute", "{\"intent\":\"indexing\",\"mode\":\"strict\"}")),
            400,
            "invalid-plan");
    assertThat(refused.get("detail").asText()).startsWith("strict mode refuses a plan");
    assertThat(runCount(lattice)).isEqualTo(before);
    JsonNode planned =
        json(run(post("/api/v1/plan", "{\"intent\":\"indexing\"}")).assertStatusCode(200));
    assertThat(planned.get("warnings").get(0).asText()).contains("has no budget");
  }
}
