package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.run.RunView;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the API takes as a JSON body, through the routes over a real node with the node's own
 * settings: exactly one document, values of the documented types only, and no deeper or longer than
 * {@code lattice.http.json} allows. A refused body changes nothing.
 */
class RequestBodyRouteTest extends JUnitRouteTest {
  private static final String ECHO_PLAN =
      "{\"plan\":{\"steps\":[{\"id\":\"a\",\"kind\":\"agent\",\"capability\":\"echo\","
          + "\"input\":{\"text\":\"hello\"}}]}}";
  private static final String WAITING_PLAN =
      "{\"plan\":{\"steps\":[{\"id\":\"ok\",\"kind\":\"wait\",\"signal\":\"approve\"}]}}";

  @TempDir static Path data;
  static Lattice lattice;
  static HttpSettings settings;
  static Route route;

  @BeforeAll
  static void start() {
    lattice = Lattice.builder().dataDirectory(data).start();
    settings = HttpSettings.create(lattice.system().settings().config());
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
  void dataAfterTheDocumentIsMalformedOnEveryPostEndpointAndChangesNothing() {
    String runId =
        json(run(post("/api/v1/execute", WAITING_PLAN)).assertStatusCode(202))
            .get("runId")
            .asText();
    String runs = "/api/v1/runs/" + runId;
    List<List<String>> endpoints =
        List.of(
            List.of("/api/v1/plan", ECHO_PLAN),
            List.of("/api/v1/execute", ECHO_PLAN),
            List.of(runs + "/pause", "{\"actor\":\"ops\"}"),
            List.of(runs + "/resume", "{\"actor\":\"ops\"}"),
            List.of(runs + "/cancel", "{\"actor\":\"ops\"}"),
            List.of(runs + "/signals/approve", "{\"data\":{\"by\":\"alice\"}}"),
            List.of(runs + "/steps/ok/override", "{\"output\":{\"by\":\"ops\"}}"));
    List<String> trailers =
        List.of(" trailing garbage", "{}", " {\"actor\":\"x\"}", "}", "]", "\u0000", ",", "1");
    long before = runCount(lattice);

    for (List<String> endpoint : endpoints) {
      for (String trailer : trailers) {
        JsonNode problem =
            problem(run(post(endpoint.get(0), endpoint.get(1) + trailer)), 400, "malformed-json");
        assertThat(problem.get("detail").asText()).as(endpoint + trailer).isNotBlank();
      }
    }

    assertThat(runCount(lattice)).isEqualTo(before);
    RunView view = Await.result(lattice.client().run(RunId.of(runId)));
    assertThat(view.status().wire()).isEqualTo("running");
    // The same bodies followed by whitespace only are taken.
    run(post(runs + "/pause", "{\"actor\":\"ops\"}\r\n \t")).assertStatusCode(200);
    run(post("/api/v1/plan", ECHO_PLAN + "\n")).assertStatusCode(200);
  }

  static Stream<Arguments> wrongTypes() {
    String step = "{\"id\":\"a\",\"kind\":\"agent\",\"capability\":\"echo\"";
    String plan = "{\"plan\":{\"steps\":[" + step;
    return Stream.of(
        Arguments.of("{\"priority\":1.5," + ECHO_PLAN.substring(1), "priority", "a whole number"),
        Arguments.of("{\"priority\":\"5\"," + ECHO_PLAN.substring(1), "priority", "a whole number"),
        Arguments.of(
            "{\"plan\":{\"steps\":[{\"id\":5,\"kind\":\"agent\",\"capability\":\"echo\"}]}}",
            "plan.steps[0].id",
            "a string"),
        Arguments.of(plan + ",\"capability\":true}]}}", "plan.steps[0].capability", "a string"),
        Arguments.of("{\"tenant\":5," + ECHO_PLAN.substring(1), "tenant", "a string"),
        Arguments.of(
            "{\"plan\":{\"steps\":[{\"id\":\"w\",\"kind\":\"wait\",\"durationMs\":\"10\"}]}}",
            "plan.steps[0].durationMs",
            "a whole number"),
        Arguments.of(
            "{\"plan\":{\"deadlineMs\":1.5,\"steps\":[" + step + "}]}}",
            "plan.deadlineMs",
            "a whole number"),
        Arguments.of(
            plan + ",\"retry\":{\"maxAttempts\":2.0}}]}}",
            "plan.steps[0].retry.maxAttempts",
            "a whole number"),
        Arguments.of(
            plan + ",\"retry\":{\"multiplier\":\"2\"}}]}}",
            "plan.steps[0].retry.multiplier",
            "a number"),
        Arguments.of(
            plan + ",\"budget\":{\"maxCostUsd\":\"0.05\"}}]}}",
            "plan.steps[0].budget.maxCostUsd",
            "a number"),
        Arguments.of(
            plan + ",\"budget\":{\"maxTokens\":10.5}}]}}",
            "plan.steps[0].budget.maxTokens",
            "a whole number"),
        Arguments.of(plan + ",\"dependsOn\":\"b\"}]}}", "plan.steps[0].dependsOn", "an array"),
        Arguments.of(plan + ",\"retry\":\"\"}]}}", "plan.steps[0].retry", "a JSON object"),
        Arguments.of(plan + ",\"retry\":3}]}}", "plan.steps[0].retry", "a JSON object"),
        Arguments.of("{\"plan\":\"\"}", "plan", "a JSON object"),
        Arguments.of("{\"plan\":{\"steps\":{}}}", "plan.steps", "an array"));
  }

  @ParameterizedTest
  @MethodSource("wrongTypes")
  void aValueOfTheWrongTypeIsRefusedNamingTheFieldAndTheExpectedType(
      String body, String field, String expected) {
    long before = runCount(lattice);

    JsonNode problem = problem(run(post("/api/v1/execute", body)), 400, "invalid-request");

    assertThat(problem.get("field").asText()).isEqualTo(field);
    assertThat(problem.get("detail").asText()).isEqualTo("'" + field + "': expected " + expected);
    assertThat(runCount(lattice)).isEqualTo(before);
  }

  @Test
  void aBodyCutShortInsideAFieldIsMalformedNotAWrongValue() {
    for (int end : List.of(9, 20, ECHO_PLAN.length() - 1)) {
      JsonNode problem =
          problem(run(post("/api/v1/plan", ECHO_PLAN.substring(0, end))), 400, "malformed-json");
      assertThat(problem.get("detail").asText()).doesNotContain("Source");
    }
  }

  @Test
  void anEnumIsReadByItsNameOnly() {
    for (String mode : List.of("1", "true", "\"\"")) {
      JsonNode problem =
          problem(
              run(post("/api/v1/plan", "{\"mode\":" + mode + "," + ECHO_PLAN.substring(1))),
              400,
              "invalid-request");
      assertThat(problem.get("field").asText()).isEqualTo("mode");
    }
    JsonNode kind =
        problem(
            run(post("/api/v1/plan", "{\"plan\":{\"steps\":[{\"id\":\"a\",\"kind\":0}]}}")),
            400,
            "invalid-request");
    assertThat(kind.get("field").asText()).isEqualTo("plan.steps[0].kind");
  }

  @Test
  void aWholeNumberIsANumber() {
    String body =
        "{\"plan\":{\"steps\":[{\"id\":\"a\",\"kind\":\"agent\",\"capability\":\"echo\","
            + "\"retry\":{\"multiplier\":2},\"budget\":{\"maxCostUsd\":1}}]}}";

    JsonNode planned = json(run(post("/api/v1/plan", body)).assertStatusCode(200));

    JsonNode step = planned.get("plan").get("steps").get(0);
    assertThat(step.get("retry").get("multiplier").asDouble()).isEqualTo(2.0);
    assertThat(step.get("budget").get("maxCostUsd").asInt()).isEqualTo(1);
  }

  /** An echo plan whose input nests arrays so that the whole body is {@code depth} deep. */
  private static String nestedTo(int depth) {
    // The body, plan, steps, the step and its input are five levels; the arrays are the rest.
    int arrays = depth - 5;
    return "{\"plan\":{\"steps\":[{\"id\":\"deep\",\"kind\":\"agent\",\"capability\":\"echo\","
        + "\"input\":{\"v\":"
        + "[".repeat(arrays)
        + "]".repeat(arrays)
        + "}}]}}";
  }

  @Test
  void aBodyNestedDeeperThanTheLimitIsRefusedNamingTheLimit() {
    int limit = settings.json().maxDepth();
    long before = runCount(lattice);

    JsonNode problem =
        problem(run(post("/api/v1/execute", nestedTo(limit + 1))), 400, "json-limit-exceeded");

    assertThat(problem.get("detail").asText())
        .contains("nesting depth")
        .contains("(" + (limit + 1) + ")")
        .contains("(" + limit + ")");
    String deepPayload = "{\"payload\":" + "[".repeat(limit) + "]".repeat(limit) + "}";
    problem(run(post("/api/v1/plan", deepPayload)), 400, "json-limit-exceeded");
    String deepOverride = "{\"output\":" + "[".repeat(limit) + "]".repeat(limit) + "}";
    problem(
        run(post("/api/v1/runs/r-nothing/steps/a/override", deepOverride)),
        400,
        "json-limit-exceeded");
    assertThat(runCount(lattice)).isEqualTo(before);
  }

  @Test
  void aBodyNestedToTheLimitRunsToCompletion() throws Exception {
    String body = nestedTo(settings.json().maxDepth());

    String runId =
        json(run(post("/api/v1/execute", body)).assertStatusCode(202)).get("runId").asText();

    RunView done = Await.result(lattice.client().awaitTerminal(RunId.of(runId)));
    assertThat(done.status().wire()).isEqualTo("completed");
    JsonNode input = LatticeJson.mapper().readTree(body).at("/plan/steps/0/input");
    assertThat(done.steps().get(0).output()).isEqualTo(input);
  }

  @Test
  void aNumberOrAStringLongerThanTheLimitIsRefused() {
    int digits = settings.json().maxNumberLength() + 1;
    JsonNode number =
        problem(
            run(post("/api/v1/plan", "{\"payload\":{\"n\":" + "9".repeat(digits) + "}}")),
            400,
            "json-limit-exceeded");
    assertThat(number.get("detail").asText()).contains(String.valueOf(digits - 1));

    // The body limit is lifted here so that only the string limit applies.
    HttpSettings roomy =
        new HttpSettings(
            settings.host(),
            settings.port(),
            Long.MAX_VALUE,
            settings.heartbeat(),
            settings.defaultPageSize(),
            settings.maxPageSize(),
            settings.readyTimeout(),
            settings.bindTimeout(),
            settings.shutdownGrace(),
            settings.allowedHosts(),
            settings.corsOrigins(),
            settings.corsMaxAge(),
            new JsonLimits(settings.json().maxDepth(), 16, 100, 16),
            settings.retryAfter());
    Route small = new HttpApi(lattice.client(), lattice.system(), roomy).route();
    problem(
        testRoute(small)
            .run(post("/api/v1/plan", "{\"payload\":{\"s\":\"" + "x".repeat(17) + "\"}}")),
        400,
        "json-limit-exceeded");
    problem(
        testRoute(small).run(post("/api/v1/plan", "{\"payload\":{\"" + "k".repeat(17) + "\":1}}")),
        400,
        "json-limit-exceeded");
    testRoute(small)
        .run(
            post(
                "/api/v1/plan",
                "{\"payload\":{\"s\":\"" + "x".repeat(16) + "\"}," + ECHO_PLAN.substring(1)))
        .assertStatusCode(200);
  }
}
