package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.RecordedRequest;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Streaming;
import dev.lattice.orchestrator.http.JsonClient.Response;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.DelayedEcho;
import dev.lattice.orchestrator.testing.JournalRows;
import dev.lattice.orchestrator.testing.LoopbackApi;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct invocation over real HTTP on loopback, against a node with the shipped agents and role
 * profiles, whose model calls go through the real client to the scripted model server: a role
 * profile and a plain capability answer with their result and a run that is listed and replayable;
 * a streamed invocation gives the run's events (and a model's text as it comes); bad requests are
 * problems that start nothing. Also the agent directory's listing: categories, status, load and
 * priority.
 */
class AgentInvokeIT {
  private static final String REVIEW = "One bug: the loop never ends.";
  private static final String PLAN = "step one then step two then step three";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration INVOKE_WAIT = Duration.ofSeconds(3);

  @TempDir static Path data;
  static ScriptedModelServer models;
  static Lattice lattice;
  static JsonClient client;

  @BeforeAll
  static void start() {
    models =
        ScriptedModelServer.start(
            Script.of(
                    ScriptEntry.text(REVIEW).when(Match.contains("review this loop")),
                    ScriptEntry.text(PLAN).stream(Streaming.none().withTokenDelayMs(5).byWords())
                        .when(Match.contains("plan a release")))
                .withModels("scripted-model"));
    // The shipped agents and profiles, with the provider pointed at this test's model server.
    lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(
                ConfigFactory.parseString(
                    "lattice.llm.providers.local.base-url = \"%s/v1\"\n".formatted(models.baseUrl())
                        + "lattice.http.invoke.wait = "
                        + INVOKE_WAIT.toMillis()
                        + "ms\n"
                        // A tenant that may use another model only, and one whose budget is spent.
                        + "lattice.policy.tenants.strict.models = [other-model]\n"
                        + "lattice.policy.tenants.broke.budget { max-tokens = 0, period = 1d }"))
            // An application's action that takes longer than the invocation waits.
            .action("slow", DelayedEcho.after(INVOKE_WAIT.multipliedBy(2)))
            .start();
    client = new JsonClient(LoopbackApi.start(lattice), WAIT);
  }

  @AfterAll
  static void stop() {
    lattice.close();
    models.close();
  }

  @Test
  void aRoleProfileAnswersWithItsModelsTextAndARunThatIsListedAndReplayable() {
    Response response =
        post("/api/v1/agents/reviewer/invoke", "{\"task\": \"review this loop: while(true){}\"}");
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode result = response.json();
    String runId = result.get("runId").asText();
    assertThat(response.location()).isEqualTo("/api/v1/runs/" + runId);
    assertThat(result.get("status").asText()).isEqualTo("completed");
    assertThat(result.get("capability").asText()).isEqualTo("reviewer");
    assertThat(result.get("agentId").asText()).isEqualTo("local.llm");
    assertThat(result.get("text").asText()).isEqualTo(REVIEW);
    assertThat(result.get("output").get("text").asText()).isEqualTo(REVIEW);
    assertThat(result.get("usage").get("completionTokens").asLong()).isPositive();

    // The task was the prompt; the shipped reviewer profile gave the system prompt.
    RecordedRequest call =
        models.requests().stream()
            .filter(r -> r.body().toString().contains("while(true)"))
            .findFirst()
            .orElseThrow();
    JsonNode messages = call.body().get("messages");
    assertThat(messages.get(0).get("role").asText()).isEqualTo("system");
    assertThat(messages.get(0).get("content").asText()).contains("You are a code reviewer");
    assertThat(messages.get(messages.size() - 1).get("content").asText())
        .isEqualTo("review this loop: while(true){}");

    assertListedAndReplayable(runId);
  }

  @Test
  void aPlainCapabilityGetsTheTaskInItsInputAndAnAgentIdNamesItsCapability() {
    Response byCapability =
        post("/api/v1/agents/echo/invoke", "{\"task\": \"hello\", \"input\": {\"n\": 1}}");
    assertThat(byCapability.status()).as(byCapability.body()).isEqualTo(200);
    JsonNode output = byCapability.json().get("output");
    assertThat(output.get("task").asText()).isEqualTo("hello");
    assertThat(output.get("n").asInt()).isEqualTo(1);
    assertThat(byCapability.json().has("text")).isFalse();

    // An agent serving one capability; a template-like task is text, never a template.
    Response byAgent = post("/api/v1/agents/local.echo/invoke", "{\"task\": \"{{payload}}\"}");
    assertThat(byAgent.status()).as(byAgent.body()).isEqualTo(200);
    assertThat(byAgent.json().get("capability").asText()).isEqualTo("echo");
    assertThat(byAgent.json().get("agentId").asText()).isEqualTo("local.echo");
    assertThat(byAgent.json().get("output").get("task").asText()).isEqualTo("{{payload}}");

    // Retrying with the same idempotency key gives the same run.
    String[] runs = new String[2];
    for (int i = 0; i < 2; i++) {
      Response keyed =
          send(
              request("/api/v1/agents/echo/invoke")
                  .header("Idempotency-Key", "invoke-once")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"task\": \"once\"}"))
                  .build());
      assertThat(keyed.status()).as(keyed.body()).isEqualTo(200);
      runs[i] = keyed.json().get("runId").asText();
    }
    assertThat(runs[1]).isEqualTo(runs[0]);

    // An agent serving several needs the capability named.
    Response planner =
        post(
            "/api/v1/agents/local.llm/invoke",
            "{\"task\": \"review this loop: for(;;){}\", \"capability\": \"reviewer\"}");
    assertThat(planner.status()).as(planner.body()).isEqualTo(200);
    assertThat(planner.json().get("text").asText()).isEqualTo(REVIEW);
    assertListedAndReplayable(byAgent.json().get("runId").asText());
  }

  @Test
  void aStreamedInvocationGivesTheRunsEventsAndTheModelsTextAsItComes() {
    Response ndjson =
        post("/api/v1/agents/planner/invoke", "{\"task\": \"plan a release\", \"stream\": true}");
    assertThat(ndjson.status()).as(ndjson.body()).isEqualTo(200);
    assertThat(ndjson.contentType()).startsWith("application/x-ndjson");
    List<JsonNode> lines = ndjson.body().lines().map(AgentInvokeIT::parse).toList();
    List<String> types = lines.stream().map(l -> l.get("type").asText()).toList();
    assertThat(lines.get(0).get("seq").asLong()).isEqualTo(1);
    assertThat(types).contains("step.succeeded").contains("step.delta");
    assertThat(types.get(types.size() - 1)).isEqualTo("run.completed");
    StringBuilder text = new StringBuilder();
    lines.stream()
        .filter(l -> l.get("type").asText().equals("step.delta"))
        .forEach(l -> text.append(l.get("data").get("text").asText()));
    assertThat(text.toString()).isEqualTo(PLAN);
    String runId = lines.get(0).get("runId").asText();
    assertThat(ndjson.location()).isEqualTo("/api/v1/runs/" + runId);

    // An event stream asked for by Accept alone: Server-Sent Events, each id its seq.
    Response sse =
        send(
            request("/api/v1/agents/echo/invoke")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"task\": \"hi\"}"))
                .build());
    assertThat(sse.status()).isEqualTo(200);
    assertThat(sse.contentType()).startsWith("text/event-stream");
    List<String> data =
        sse.body()
            .lines()
            .filter(l -> l.startsWith("data:") && l.length() > "data:".length())
            .map(l -> l.substring("data:".length()))
            .toList();
    assertThat(parse(data.get(data.size() - 1)).get("type").asText()).isEqualTo("run.completed");
    assertThat(sse.body()).contains("id:1");

    // A client that accepts JSON too gets the result.
    Response both =
        send(
            request("/api/v1/agents/echo/invoke")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"task\": \"hi\"}"))
                .build());
    assertThat(both.status()).isEqualTo(200);
    assertThat(both.contentType()).startsWith("application/json");
    assertThat(both.json().get("output").get("task").asText()).isEqualTo("hi");
  }

  @Test
  void aRunThatOutlastsTheWaitIsAnsweredWithItsIdAndGoesOnToItsEnd() {
    Response response = post("/api/v1/agents/slow/invoke", "{\"task\": \"take your time\"}");
    assertThat(response.status()).as(response.body()).isEqualTo(202);
    JsonNode result = response.json();
    String runId = result.get("runId").asText();
    assertThat(result.get("status").asText()).isEqualTo("running");
    assertThat(result.has("output")).isFalse();
    assertThat(response.location()).isEqualTo("/api/v1/runs/" + runId);
    Await.until(
        () -> get("/api/v1/runs/" + runId).json().get("status").asText().equals("completed"), WAIT);
    JsonNode step = get("/api/v1/runs/" + runId).json().get("steps").get(0);
    assertThat(step.get("output").get("task").asText()).isEqualTo("take your time");
  }

  @Test
  void theTenantsPoliciesApplyAsToAnyRunAndTheDispatchersDecisionsAreAudited() {
    int calls = models.requests().size();
    Response denied =
        post(
            "/api/v1/agents/reviewer/invoke",
            "{\"task\": \"review this loop: do{}while(1)\", \"tenant\": \"strict\","
                + " \"model\": \"scripted-model\"}");
    assertThat(denied.status()).as(denied.body()).isEqualTo(200);
    JsonNode result = denied.json();
    assertThat(result.get("status").asText()).isEqualTo("failed");
    assertThat(result.get("cause").get("errorClass").asText()).isEqualTo("policy_denied");
    assertThat(result.has("output")).isFalse();
    String runId = result.get("runId").asText();
    Await.until(() -> get("/api/v1/runs/" + runId + "/audit").body().contains("\"denied\""), WAIT);
    assertThat(models.requests()).hasSize(calls);

    problem(
        post("/api/v1/agents/echo/invoke", "{\"task\": \"x\", \"tenant\": \"broke\"}"),
        429,
        "budget-exceeded");
  }

  @Test
  void badRequestsAreProblemsThatStartNothing() {
    // Whatever runs other tests started are in the journal before counting.
    Await.until(
        () -> JournalRows.runs(lattice) == JournalRows.indexedCount(lattice),
        Duration.ofSeconds(20));
    long runs = JournalRows.runs(lattice);

    problem(post("/api/v1/agents/nobody/invoke", "{\"task\": \"x\"}"), 404, "agent-not-found");
    problem(post("/api/v1/agents/echo/invoke", "{}"), 400, "invalid-request");
    problem(post("/api/v1/agents/echo/invoke", "{\"task\": \"  \"}"), 400, "invalid-request");
    problem(post("/api/v1/agents/echo/invoke", "{\"input\": [1]}"), 400, "invalid-request");
    problem(post("/api/v1/agents/echo/invoke", "{\"task\": 1, \"x\": 2}"), 400, "invalid-request");
    problem(post("/api/v1/agents/echo/invoke", "{\"task\":"), 400, "malformed-json");
    problem(post("/api/v1/agents/local.llm/invoke", "{\"task\": \"x\"}"), 400, "invalid-request");
    problem(
        post("/api/v1/agents/local.llm/invoke", "{\"task\": \"x\", \"capability\": \"shell\"}"),
        400,
        "invalid-request");
    problem(
        post("/api/v1/agents/echo/invoke", "{\"task\": \"x\", \"capability\": \"llm\"}"),
        400,
        "invalid-request");
    problem(
        post("/api/v1/agents/reviewer/invoke", "{\"task\": \"x\", \"input\": {\"prompt\": \"y\"}}"),
        400,
        "invalid-request");
    problem(
        post("/api/v1/agents/echo/invoke", "{\"task\": \"x\", \"tenant\": \"Not A Tenant\"}"),
        400,
        "invalid-request");
    JsonNode budget =
        problem(
            post(
                "/api/v1/agents/echo/invoke", "{\"task\": \"x\", \"budget\": {\"maxTokens\": -1}}"),
            400,
            "invalid-plan");
    assertThat(budget.get("field").asText()).isEqualTo("budget.maxTokens");
    problem(get("/api/v1/agents/echo/invoke"), 405, "method-not-allowed");

    assertThat(JournalRows.runs(lattice)).isEqualTo(runs);
  }

  @Test
  void theDirectoryListsEachAgentsCapabilitiesByCategoryWithStatusLoadAndPriority() {
    Response response = get("/api/v1/agents");
    assertThat(response.status()).isEqualTo(200);
    List<JsonNode> agents = new ArrayList<>();
    response.json().forEach(agents::add);
    JsonNode llm = agent(agents, "local.llm");
    assertThat(texts(llm.get("categories").get("llm")))
        .containsExactly("coder", "llm", "planner", "researcher", "reviewer");
    assertThat(llm.get("status").asText()).isEqualTo("available");
    assertThat(llm.get("load").asInt()).isZero();
    assertThat(llm.get("priority").asInt()).isZero();
    assertThat(llm.get("maxConcurrent").asInt()).isEqualTo(32);
    assertThat(texts(agent(agents, "local.echo").get("categories").get("tool")))
        .containsExactly("echo");
    assertThat(texts(agent(agents, "local.http").get("categories").get("tool")))
        .containsExactly("http");
    assertThat(texts(agent(agents, "local.slow").get("categories").get("custom")))
        .containsExactly("slow");
    // The fields that were there before stay.
    assertThat(texts(agent(agents, "local.shell").get("capabilities"))).containsExactly("shell");
  }

  private static void assertListedAndReplayable(String runId) {
    Await.until(() -> "completed".equals(JournalRows.indexedStatus(lattice, runId)), WAIT);
    Response listed = get("/api/v1/runs?status=completed&limit=500");
    assertThat(listed.body()).contains(runId);
    Response events = get("/api/v1/runs/" + runId + "/events?from=1");
    List<JsonNode> replayed = events.body().lines().map(AgentInvokeIT::parse).toList();
    assertThat(replayed.get(0).get("seq").asLong()).isEqualTo(1);
    assertThat(replayed.get(replayed.size() - 1).get("type").asText()).isEqualTo("run.completed");
    JsonNode run = get("/api/v1/runs/" + runId).json();
    assertThat(run.get("steps").get(0).get("id").asText()).isEqualTo("invoke");
  }

  private static JsonNode problem(Response response, int status, String slug) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    JsonNode problem = response.json();
    assertThat(problem.get("type").asText()).isEqualTo("urn:lattice:problem:" + slug);
    return problem;
  }

  private static JsonNode agent(List<JsonNode> agents, String id) {
    return agents.stream()
        .filter(a -> a.get("agentId").asText().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no agent " + id + " in " + agents));
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }

  private static Response post(String path, String body) {
    return client.post(path, body);
  }

  private static Response get(String path) {
    return client.get(path);
  }

  private static Response send(HttpRequest request) {
    return client.send(request);
  }

  private static HttpRequest.Builder request(String path) {
    return client.request(path);
  }

  private static JsonNode parse(String text) {
    return JsonClient.parse(text);
  }
}
