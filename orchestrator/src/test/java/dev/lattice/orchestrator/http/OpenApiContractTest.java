package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.orchestrator.http.auth.AuthSettings;
import dev.lattice.orchestrator.http.auth.NodeAuthentication;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.api.Readiness;
import dev.lattice.protocol.api.ReadinessCheck;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.worker.action.ActionException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/openapi.yaml} against the real routes over a real node: the node serves its bytes;
 * every operation it describes answers with a status it lists and a body its schema accepts; every
 * path takes only the methods it describes; paths it does not describe are not served; and the
 * problems of each type a request can cause fit the description of the operation that caused them.
 */
class OpenApiContractTest extends JUnitRouteTest {
  private static final String ECHO_PLAN =
      "{\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\",\"input\":{\"text\":\"hi\"}},"
          + "{\"id\":\"b\",\"capability\":\"echo\",\"dependsOn\":[\"a\"]}]}}";

  /** A step that failed and waits an hour for its retry: a hand retry of it is a repeat. */
  private static final String RETRY_WAITING_PLAN =
      "{\"plan\":{\"steps\":[{\"id\":\"approval\",\"capability\":\"flaky\","
          + "\"retry\":{\"maxAttempts\":2,\"initialBackoffMs\":3600000}}]}}";

  private static final String WAITING_PLAN =
      "{\"plan\":{\"steps\":[{\"id\":\"approval\",\"kind\":\"wait\",\"signal\":\"approve\"}]}}";

  /** Paths a reader might expect of this API that it does not serve (and does not describe). */
  private static final List<String> UNDESCRIBED =
      List.of(
          "/",
          "/api",
          "/api/v1",
          "/api/v1/",
          "/api/v1/metrics",
          "/api/v1/health",
          "/api/v1/ready",
          "/api/v1/openapi.json",
          "/api/v1/workflows",
          "/api/v1/workflows/w1",
          "/api/v1/tenants",
          "/api/v1/tenants/default/usage",
          "/api/v1/runs/{id}/steps",
          "/api/v1/runs/{id}/signals",
          "/api/v1/runs/{id}/retry",
          "/api/v1/runs/{id}/events/1",
          "/api/v1/runs/{id}/audit/1",
          "/api/v1/runs/{id}/logs/1",
          "/api/v1/audit/agent",
          "/api/v1/agents/local.echo",
          "/api/v1/state/cluster",
          "/api/v2/runs",
          "/health/live",
          "/ready/journal");

  @TempDir static Path data;
  static ScriptedModelServer models;
  static Lattice lattice;
  static Route route;
  static OpenApiDocument contract;
  static String completedRun;

  @BeforeAll
  static void start() {
    models =
        ScriptedModelServer.start(
            Script.of(ScriptEntry.text("Noted.").times(Integer.MAX_VALUE))
                .withModels("scripted-model"));
    lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(
                ConfigFactory.parseString(
                    "lattice.policy.tenants.broke.budget { max-tokens = 0, period = 1d }\n"
                        + "lattice.http.retry-after.budget-exceeded = 7s\n"
                        + "lattice.llm.providers.local.base-url = \""
                        + models.baseUrl()
                        + "/v1\""))
            .action(
                "flaky",
                (request, context) ->
                    CompletableFuture.failedFuture(
                        new ActionException(ErrorClass.AGENT_ERROR, "always fails")))
            .start();
    HttpSettings settings =
        HttpSettings.create(lattice.system().settings().config())
            .withAddress("127.0.0.1", API_PORT);
    // With its keys and stream tokens; authentication itself is off in the suite's configuration.
    route =
        new HttpApi(
                lattice.client(),
                lattice.system(),
                settings,
                NodeAuthentication.start(
                        lattice, AuthSettings.create(lattice.system().settings().config()))
                    .authenticator())
            .route();
    contract = OpenApiDocument.read();
    completedRun = execute(ECHO_PLAN);
    Await.result(lattice.client().awaitTerminal(RunId.of(completedRun)));
  }

  @AfterAll
  static void stop() {
    lattice.close();
    models.close();
  }

  @Override
  ActorSystem<?> nodeSystem() {
    return lattice.system();
  }

  private static TestRouteResult send(HttpRequest request) {
    return new OpenApiContractTest().testRoute(route).run(request);
  }

  private static String execute(String body) {
    return json(send(post("/api/v1/execute", body)).assertStatusCode(202)).get("runId").asText();
  }

  @Test
  void theNodeServesTheBytesOfDocsOpenapiYaml() {
    TestRouteResult result = send(HttpRequest.GET("/api/v1/openapi.yaml")).assertStatusCode(200);
    result.assertMediaType("application/yaml");
    assertThat(result.entityBytes().toArray()).isEqualTo(OpenApiDocument.bytes());
    assertThat(contract.root().get("openapi").asText()).startsWith("3.1.");
  }

  @Test
  void everyDescribedOperationAnswersWithADescribedStatusAndBody() throws IOException {
    List<OpenApiDocument.Operation> operations = contract.operations();
    assertThat(operations).hasSizeGreaterThanOrEqualTo(16);
    for (OpenApiDocument.Operation operation : operations) {
      if (successMedia(operation).isEmpty()) {
        // A success without a body, such as a 204.
        int status = send(sample(operation)).response().status().intValue();
        assertThat(operation.statuses())
            .as(operation.toString())
            .contains(Integer.toString(status));
        assertThat(status).as(operation.toString()).isBetween(200, 299);
      }
      for (String media : successMedia(operation)) {
        HttpRequest request = sample(operation).addHeader(RawHeader.create("Accept", media));
        TestRouteResult result = send(request);
        int status = result.response().status().intValue();
        assertThat(operation.statuses())
            .as(operation + " answered " + status + ": " + result.entityString())
            .contains(Integer.toString(status));
        assertThat(status).as(operation + ": " + result.entityString()).isBetween(200, 299);
        JsonNode response = contract.response(operation, status).orElseThrow();
        assertThat(result.response().entity().getContentType().mediaType().toString())
            .as(operation.toString())
            .isEqualTo(media);
        for (JsonNode body : bodies(media, result.entityString())) {
          // An SSE stream is text; each of its data fields is a RunEvent.
          var errors =
              media.equals("text/event-stream")
                  ? contract.validate(contract.schema("RunEvent"), body)
                  : contract.validate(response, media, body);
          assertThat(errors).as(operation + " " + media + ": " + body).isEmpty();
        }
      }
    }
  }

  @Test
  void everyDescribedPathTakesOnlyTheMethodsItDescribes() {
    String runId = execute(WAITING_PLAN);
    for (var path : contract.root().get("paths").properties()) {
      Set<String> described = new TreeSet<>();
      OpenApiDocument.METHODS.stream()
          .filter(path.getValue()::has)
          .forEach(m -> described.add(m.toUpperCase(Locale.ROOT)));
      for (String method : OpenApiDocument.METHODS) {
        String name = method.toUpperCase(Locale.ROOT);
        if (described.contains(name)) {
          continue;
        }
        TestRouteResult result = send(request(name, concrete(path.getKey(), runId), ""));
        JsonNode problem = problem(result, 405, "method-not-allowed");
        assertThat(
                new TreeSet<>(
                    List.of(result.response().getHeader("Allow").get().value().split(",\\s*"))))
            .as(name + " " + path.getKey())
            .isEqualTo(described);
        assertThat(
                contract.validate(contract.componentResponse("MethodNotAllowed"), PROBLEM, problem))
            .isEmpty();
      }
    }
  }

  @Test
  void pathsItDoesNotDescribeAreNotServed() {
    String runId = execute(WAITING_PLAN);
    for (String template : UNDESCRIBED) {
      assertThat(contract.root().get("paths").has(template)).as(template).isFalse();
      for (String method : List.of("GET", "POST")) {
        TestRouteResult result = send(request(method, concrete(template, runId), ""));
        assertThat(result.response().status().intValue())
            .as(method + " " + template + " is served but not described: " + result.entityString())
            .isEqualTo(404);
        assertThat(contract.validate(contract.componentResponse("NotFound"), PROBLEM, json(result)))
            .as(method + " " + template)
            .isEmpty();
      }
    }
  }

  private static final String PROBLEM = "application/problem+json";

  @Test
  void problemsOfEveryTypeAFitTheOperationThatCausedThem() {
    String unknown = RunId.random().value();
    String deep = "[".repeat(200) + "]".repeat(200);
    checkProblem(
        "post", "/api/v1/execute", post("/api/v1/execute", "{\"intent\":"), 400, "malformed-json");
    checkProblem(
        "post",
        "/api/v1/execute",
        post("/api/v1/execute", "{\"intent\":\"indexing\",\"x\":1}"),
        400,
        "invalid-request");
    checkProblem(
        "post",
        "/api/v1/plan",
        post("/api/v1/plan", "{\"intent\":\"indexing\",\"payload\":" + deep + "}"),
        400,
        "json-limit-exceeded");
    checkProblem(
        "post", "/api/v1/plan", post("/api/v1/plan", "{\"intent\":\"nope\"}"), 400, "invalid-plan");
    checkProblem(
        "get", "/api/v1/runs", HttpRequest.GET("/api/v1/runs?limit=0"), 400, "invalid-request");
    checkProblem("get", "/api/v1/audit", HttpRequest.GET("/api/v1/audit"), 400, "invalid-request");
    checkProblem(
        "get",
        "/api/v1/audit/verify",
        HttpRequest.GET("/api/v1/audit/verify?chain=nope"),
        400,
        "invalid-request");
    checkProblem(
        "get",
        "/api/v1/runs/{id}/audit/verify",
        HttpRequest.GET("/api/v1/runs/" + unknown + "/audit/verify"),
        404,
        "run-not-found");
    checkProblem(
        "get",
        "/api/v1/runs/{id}/events",
        HttpRequest.GET("/api/v1/runs/" + completedRun + "/events?from=0"),
        400,
        "invalid-request");
    checkProblem(
        "get",
        "/api/v1/runs/{id}",
        HttpRequest.GET("/api/v1/runs/" + unknown),
        404,
        "run-not-found");
    checkProblem(
        "get",
        "/api/v1/sessions/{id}",
        HttpRequest.GET("/api/v1/sessions/nobody"),
        404,
        "session-not-found");
    checkProblem(
        "get",
        "/api/v1/sessions/{id}",
        HttpRequest.GET("/api/v1/sessions/nobody?tenant=Not-A-Tenant"),
        400,
        "invalid-request");
    checkProblem(
        "delete",
        "/api/v1/sessions/{id}",
        request("DELETE", "/api/v1/sessions/nobody", ""),
        404,
        "session-not-found");
    checkProblem(
        "get",
        "/api/v1/runs/{id}/audit",
        HttpRequest.GET("/api/v1/runs/" + unknown + "/audit"),
        404,
        "run-not-found");
    checkProblem(
        "get",
        "/api/v1/runs/{id}/events",
        HttpRequest.GET("/api/v1/runs/" + unknown + "/events"),
        404,
        "run-not-found");
    checkProblem(
        "get",
        "/api/v1/runs/{id}/logs",
        HttpRequest.GET("/api/v1/runs/" + unknown + "/logs"),
        404,
        "run-not-found");
    checkProblem(
        "get",
        "/api/v1/runs/{id}/logs",
        HttpRequest.GET("/api/v1/runs/" + completedRun + "/logs?level=loud"),
        400,
        "invalid-request");
    checkProblem(
        "post",
        "/api/v1/runs/{id}/pause",
        post("/api/v1/runs/" + unknown + "/pause", ""),
        404,
        "run-not-found");
    checkProblem(
        "post",
        "/api/v1/runs/{id}/resume",
        post("/api/v1/runs/" + completedRun + "/resume", ""),
        409,
        "conflict");
    checkProblem(
        "post",
        "/api/v1/runs/{id}/signals/{name}",
        post("/api/v1/runs/" + completedRun + "/signals/approve", ""),
        409,
        "conflict");
    checkProblem(
        "post",
        "/api/v1/runs/{id}/steps/{stepId}/override",
        post("/api/v1/runs/" + completedRun + "/steps/a/override", "{}"),
        400,
        "invalid-request");
    checkProblem(
        "post",
        "/api/v1/agents/{agent}/invoke",
        post("/api/v1/agents/nobody/invoke", "{\"task\":\"hi\"}"),
        404,
        "agent-not-found");
    checkProblem(
        "post",
        "/api/v1/agents/{agent}/invoke",
        post("/api/v1/agents/echo/invoke", "{\"input\":[1]}"),
        400,
        "invalid-request");
    String huge = "{\"intent\":\"indexing\",\"payload\":\"" + "x".repeat(1_100_000) + "\"}";
    checkProblem(
        "post", "/api/v1/execute", post("/api/v1/execute", huge), 413, "payload-too-large");
    checkProblem(
        "post",
        "/api/v1/execute",
        HttpRequest.POST("/api/v1/execute")
            .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "{}")),
        415,
        "unsupported-media-type");
    checkProblem(
        "get",
        "/api/v1/runs",
        HttpRequest.GET("http://evil.example:" + API_PORT + "/api/v1/runs"),
        421,
        "host-not-allowed");

    TestRouteResult spent =
        checkProblem(
            "post",
            "/api/v1/execute",
            post("/api/v1/execute", "{\"tenant\":\"broke\",\"intent\":\"indexing\"}"),
            429,
            "budget-exceeded");
    assertThat(spent.response().getHeader("Retry-After").get().value()).isEqualTo("7");

    // 503s cannot be caused at will here (ReadinessIT and RequestTimeoutIT cause them over HTTP);
    // their bodies are these.
    JsonNode unavailable = LatticeJson.mapper().valueToTree(Problem.Kind.UNAVAILABLE.with("slow"));
    assertThat(contract.validate(contract.componentResponse("Unavailable"), PROBLEM, unavailable))
        .isEmpty();
    JsonNode notReady =
        LatticeJson.mapper()
            .valueToTree(
                NotReadyProblem.of(
                    new Readiness(List.of(new ReadinessCheck("journal", false, "no answer")))));
    assertThat(contract.validate(contract.componentResponse("NotReady"), PROBLEM, notReady))
        .isEmpty();
  }

  /**
   * Sends {@code request}, which must cause the problem {@code slug}, and checks it against what
   * {@code method path} describes for {@code status}.
   */
  private TestRouteResult checkProblem(
      String method, String path, HttpRequest request, int status, String slug) {
    TestRouteResult result = send(request);
    JsonNode problem = problem(result, status, slug);
    OpenApiDocument.Operation operation =
        contract.operations().stream()
            .filter(o -> o.path().equals(path) && o.method().equals(method))
            .findFirst()
            .orElseThrow();
    JsonNode response =
        contract
            .response(operation, status)
            .orElseThrow(() -> new AssertionError(operation + " does not describe " + status));
    assertThat(contract.validate(response, PROBLEM, problem))
        .as(operation + ": " + problem)
        .isEmpty();
    return result;
  }

  /** The media types of the operation's success answer. */
  private static List<String> successMedia(OpenApiDocument.Operation operation) {
    for (String status : operation.statuses()) {
      if (status.startsWith("2")) {
        JsonNode response = contract.resolve(operation.node().get("responses").get(status));
        List<String> media = new ArrayList<>();
        if (response.has("content")) {
          response.get("content").fieldNames().forEachRemaining(media::add);
        }
        return media;
      }
    }
    throw new AssertionError(operation + " describes no success");
  }

  /**
   * A request for {@code operation} that should succeed: its path parameters name a real run (a
   * completed one to read, a waiting one to act on), and its body is the description's example.
   */
  private static HttpRequest sample(OpenApiDocument.Operation operation) {
    if (operation.path().equals("/mcp") && operation.method().equals("delete")) {
      return request("DELETE", "/mcp", "")
          .addHeader(RawHeader.create("Mcp-Session-Id", mcpSession()));
    }
    // A step to read, or a run to act on, is the waiting run's wait step.
    boolean acts =
        (operation.method().equals("post") && operation.path().contains("{id}"))
            || operation.path().contains("{stepId}");
    String runId =
        !acts
            ? completedRun
            : operation.path().endsWith("/retry") ? retryWaitingRun() : waitingRun();
    if (operation.path().endsWith("/resume")) {
      send(post("/api/v1/runs/" + runId + "/pause", "")).assertStatusCode(200);
    }
    String path = concrete(operation.path(), runId);
    if (operation.path().startsWith("/api/v1/keys/")) {
      path = operation.path().replace("{id}", newKeyId());
    }
    if (operation.path().startsWith("/api/v1/sessions/")) {
      path = "/api/v1/sessions/" + session();
    }
    if (operation.path().equals("/api/v1/audit")
        || operation.path().equals("/api/v1/audit/verify")) {
      path += "?busKey=agent/echo/0/default";
    }
    String body = "";
    JsonNode requestBody = operation.node().get("requestBody");
    if (requestBody != null) {
      body =
          contract
              .resolve(requestBody)
              .get("content")
              .get("application/json")
              .get("example")
              .toString();
    }
    if (operation.path().equals("/api/v1/stream-tokens")) {
      body = "{\"runId\":\"" + completedRun + "\"}";
    }
    return request(operation.method().toUpperCase(Locale.ROOT), path, body);
  }

  /** A new API key's id. */
  private static String newKeyId() {
    return json(send(post("/api/v1/keys", "{\"tenant\":\"acme\",\"roles\":[\"viewer\"]}"))
            .assertStatusCode(201))
        .get("id")
        .asText();
  }

  private static final AtomicInteger sessions = new AtomicInteger();

  /** A new session, of one exchange. */
  private static String session() {
    String name = "contract-" + sessions.incrementAndGet();
    String runId =
        execute(
            "{\"payload\":{\"user\":\""
                + name
                + "\"},\"plan\":{\"steps\":[{\"id\":\"chat\",\"capability\":\"llm\","
                + "\"input\":{\"model\":\"scripted-model\",\"session\":\"${payload.user}\","
                + "\"prompt\":\"Hello.\"}}]}}");
    Await.result(lattice.client().awaitTerminal(RunId.of(runId)));
    return name;
  }

  private static String retryWaitingRun() {
    return runWhoseStepIs(RETRY_WAITING_PLAN, StepStatus.RETRY_WAIT);
  }

  /** A new MCP session's id. */
  private static String mcpSession() {
    String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}";
    return send(post("/mcp", initialize))
        .assertStatusCode(200)
        .response()
        .getHeader("Mcp-Session-Id")
        .orElseThrow()
        .value();
  }

  private static String waitingRun() {
    return runWhoseStepIs(WAITING_PLAN, StepStatus.WAITING);
  }

  /** A run of {@code plan} once its first step is {@code status}. */
  private static String runWhoseStepIs(String plan, StepStatus status) {
    String runId = execute(plan);
    Await.until(
        () -> Await.result(lattice.client().run(RunId.of(runId))).steps().get(0).status() == status,
        Duration.ofSeconds(10));
    return runId;
  }

  /** {@code template} with its parameters filled in for {@code runId}'s wait step. */
  private static String concrete(String template, String runId) {
    return template
        .replace("{id}", runId)
        .replace("{name}", "approve")
        .replace("{stepId}", "approval")
        .replace("{agent}", "echo");
  }

  private static HttpRequest request(String method, String path, String body) {
    HttpRequest request =
        HttpRequest.create(path).withMethod(HttpMethods.lookup(method).orElseThrow());
    return method.equals("GET")
        ? request
        : request.withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }

  /** The JSON documents of a body: itself, each line of NDJSON, each {@code data:} of SSE. */
  private static List<JsonNode> bodies(String media, String text) throws IOException {
    List<JsonNode> bodies = new ArrayList<>();
    switch (media) {
      case "application/json" -> bodies.add(LatticeJson.mapper().readTree(text));
      case "application/x-ndjson" -> {
        for (String line : text.lines().toList()) {
          bodies.add(LatticeJson.mapper().readTree(line));
        }
      }
      case "text/event-stream" -> {
        for (String line : text.lines().filter(l -> l.startsWith("data:")).toList()) {
          bodies.add(LatticeJson.mapper().readTree(line.substring("data:".length())));
        }
      }
      default -> {
        return bodies;
      }
    }
    assertThat(bodies).as(media + " body").isNotEmpty();
    return bodies;
  }
}
