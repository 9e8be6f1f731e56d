package dev.lattice.orchestrator.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.orchestrator.testing.RawHttp;
import dev.lattice.orchestrator.testing.TestJournal;
import dev.lattice.protocol.api.RunQuery;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunStatus;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lattice as an MCP server, over real HTTP on loopback: the Java SDK's own client lists and calls
 * the node's intents; task-augmented calls (the tasks extension) are polled, answered and cancelled
 * with raw JSON-RPC, since the SDK's client has no tasks; bad requests get JSON-RPC errors and
 * start nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpServerIT {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final List<String> TEMPLATES = List.of("approval.json", "slow.json");

  private Lattice lattice;
  private String baseUrl;
  private McpSyncClient sdk;
  private McpHttp raw;

  @BeforeAll
  void start(@TempDir Path data, @TempDir Path templates) throws IOException {
    for (String name : TEMPLATES) {
      try (InputStream in = getClass().getResourceAsStream("/mcp-templates/" + name)) {
        Files.copy(in, templates.resolve(name));
      }
    }
    lattice =
        TestJournal.h2(data)
            .node()
            .config(
                ConfigFactory.parseMap(
                    Map.of(
                        "lattice.planner.template-dir",
                        templates.toString(),
                        // Longer than any run here takes, even on a busy machine: a plain call
                        // answers with the result, or as soon as its run waits for a person.
                        "lattice.mcp.call-wait",
                        "15s",
                        "lattice.mcp.task-poll-interval",
                        "100ms")))
            .start();
    baseUrl = LoopbackApi.start(lattice);
    sdk =
        McpClient.sync(HttpClientStreamableHttpTransport.builder(baseUrl).endpoint("/mcp").build())
            .requestTimeout(DEADLINE)
            .build();
    sdk.initialize();
    raw = new McpHttp(baseUrl);
    raw.initialize();
  }

  @AfterAll
  void stop() {
    if (sdk != null) {
      sdk.closeGracefully();
    }
    lattice.close();
  }

  @Test
  void sdkClientListsIntentsAsToolsWithTheirSchemas() {
    sdk.ping();
    Map<String, McpSchema.Tool> tools =
        sdk.listTools().tools().stream()
            .collect(java.util.stream.Collectors.toMap(McpSchema.Tool::name, t -> t));

    assertThat(tools)
        .containsKeys(
            "indexing",
            "code-build-test",
            "approval",
            "slow",
            ToolCatalog.RUN_PLAN,
            ToolCatalog.SIGNAL,
            ToolCatalog.GET_RUN);
    McpSchema.Tool approval = tools.get("approval");
    assertThat(approval.description()).startsWith("Prepares an order");
    assertThat(approval.inputSchema()).containsEntry("required", List.of("item"));
    // A template without a schema takes any object.
    assertThat(tools.get("slow").inputSchema()).containsEntry("type", "object");
    assertThat(tools.get(ToolCatalog.GET_RUN).annotations().readOnlyHint()).isTrue();
  }

  @Test
  void sdkClientCallsAnIntentAndGetsTheRunsOutputs() {
    McpSchema.CallToolResult result =
        sdk.callTool(
            new McpSchema.CallToolRequest(
                "indexing", Map.of("document", "d1", "text", "One. Two! Three?")));

    assertThat(result.isError()).isFalse();
    @SuppressWarnings("unchecked")
    Map<String, Object> output = (Map<String, Object>) result.structuredContent();
    assertThat(output).containsKey("done");
    assertThat(output.get("done").toString()).contains("nodes=3").contains("edges=2");
    // The result names its run, which is a durable run of the node like any other.
    String runId = (String) result.meta().get(RunTasks.RUN_ID_META);
    assertThat(Await.result(lattice.client().run(RunId.of(runId))).status())
        .isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aResentCallStartsNoSecondRun() {
    ObjectNode params = raw.toolCall("indexing", raw.object("{'text': 'Once. Twice.'}"), true);
    long id = raw.nextId();

    String first = raw.call("tools/call", params, id).get("result").get("taskId").asText();
    String again = raw.call("tools/call", params, id).get("result").get("taskId").asText();
    String next = raw.call("tools/call", params).get("result").get("taskId").asText();

    assertThat(again).isEqualTo(first);
    assertThat(next).isNotEqualTo(first);
  }

  @Test
  void aCallMayNameItsTenantAndItsIdempotencyKey() {
    ObjectNode params = raw.toolCall("indexing", raw.object("{'text': 'T.'}"), true);
    ((ObjectNode) params.get("_meta"))
        .put(CallOptions.TENANT_META, "acme")
        .put(CallOptions.IDEMPOTENCY_KEY_META, "order-42");

    String first = raw.result("tools/call", params).get("taskId").asText();
    String again = raw.result("tools/call", params).get("taskId").asText();

    assertThat(again).isEqualTo(first);
    assertThat(Await.result(lattice.client().run(RunId.of(first))).tenant()).isEqualTo("acme");
    ((ObjectNode) params.get("_meta")).put(CallOptions.TENANT_META, "Not A Tenant");
    assertThat(errorCode(raw.call("tools/call", params))).isEqualTo(JsonRpc.INVALID_PARAMS);
  }

  @Test
  void aTaskAugmentedCallIsPolledToCompletion() {
    JsonNode created =
        raw.result(
            "tools/call",
            raw.toolCall("indexing", raw.object("{'document': 'd2', 'text': 'A. B.'}"), true));

    assertThat(created.get("resultType").asText()).isEqualTo("task");
    assertThat(created.get("status").asText()).isIn("working", "completed");
    assertThat(created.has("content")).isFalse();
    JsonNode done = pollUntil(created.get("taskId").asText(), "completed");
    assertThat(done.get("resultType").asText()).isEqualTo("complete");
    assertThat(done.get("result").get("isError").asBoolean()).isFalse();
    assertThat(done.get("result").get("structuredContent").get("done").get("nodes").asInt())
        .isEqualTo(2);
  }

  @Test
  void aRunWaitingForApprovalAsksForInputAndTheAnswerIsItsSignal() {
    String taskId =
        raw.result("tools/call", raw.toolCall("approval", raw.object("{'item': 'chair'}"), true))
            .get("taskId")
            .asText();

    JsonNode waiting = pollUntil(taskId, "input_required");
    JsonNode request = waiting.get("inputRequests").get("approve");
    assertThat(request.get("method").asText()).isEqualTo("elicitation/create");
    assertThat(request.get("params").get("message").asText()).contains("'approve'");

    JsonNode ack =
        raw.result(
            "tasks/update",
            raw.object(
                "{'taskId': '"
                    + taskId
                    + "', 'inputResponses': {'approve': {'action': 'accept', 'content': {'by':"
                    + " 'ops'}}, 'unknown': {'action': 'accept'}}}"));
    assertThat(ack.get("resultType").asText()).isEqualTo("complete");

    JsonNode done = pollUntil(taskId, "completed");
    JsonNode placed = done.get("result").get("structuredContent").get("place");
    assertThat(placed.get("item").asText()).isEqualTo("chair");
    assertThat(placed.get("approval").get("by").asText()).isEqualTo("ops");
  }

  @Test
  void declaringTheApprovalCancelsTheRun() {
    String taskId =
        raw.result("tools/call", raw.toolCall("approval", raw.object("{'item': 'desk'}"), true))
            .get("taskId")
            .asText();
    pollUntil(taskId, "input_required");

    raw.result(
        "tasks/update",
        raw.object(
            "{'taskId': '" + taskId + "', 'inputResponses': {'approve': {'action': 'decline'}}}"));

    assertThat(pollUntil(taskId, "cancelled").has("result")).isFalse();
  }

  @Test
  void aCallWithoutTaskSupportOfARunWaitingForApprovalSaysHowToGoOn() {
    McpSchema.CallToolResult pending =
        sdk.callTool(new McpSchema.CallToolRequest("approval", Map.of("item", "lamp")));

    assertThat(pending.isError()).isFalse();
    @SuppressWarnings("unchecked")
    Map<String, Object> state = (Map<String, Object>) pending.structuredContent();
    assertThat(state).containsEntry("status", "input_required");
    String runId = (String) state.get("runId");
    assertThat(((McpSchema.TextContent) pending.content().get(0)).text())
        .contains(ToolCatalog.SIGNAL)
        .contains(runId);

    sdk.callTool(
        new McpSchema.CallToolRequest(
            ToolCatalog.SIGNAL, Map.of("runId", runId, "signal", "approve")));

    AtomicReference<McpSchema.CallToolResult> finished = new AtomicReference<>();
    Await.until(
        () -> {
          McpSchema.CallToolResult read =
              sdk.callTool(
                  new McpSchema.CallToolRequest(ToolCatalog.GET_RUN, Map.of("runId", runId)));
          finished.set(read);
          return ((Map<?, ?>) read.structuredContent()).containsKey("place");
        },
        DEADLINE);
    assertThat(finished.get().isError()).isFalse();
  }

  @Test
  void aFailedRunIsAToolErrorAndAFailedTask() {
    Map<String, Object> plan =
        Map.of(
            "steps",
            List.of(
                Map.of(
                    "id", "check",
                    "kind", "gate",
                    "condition", "payload.ok == true",
                    "onFalse", "fail")));
    McpSchema.CallToolResult direct =
        sdk.callTool(
            new McpSchema.CallToolRequest(
                ToolCatalog.RUN_PLAN, Map.of("plan", plan, "payload", Map.of("ok", false))));
    assertThat(direct.isError()).isTrue();
    assertThat(((McpSchema.TextContent) direct.content().get(0)).text())
        .startsWith("The run failed at step 'check'");

    ObjectNode arguments = raw.json().valueToTree(Map.of("plan", plan, "payload", Map.of()));
    String taskId =
        raw.result("tools/call", raw.toolCall(ToolCatalog.RUN_PLAN, arguments, true))
            .get("taskId")
            .asText();
    JsonNode failed = pollUntil(taskId, "failed");
    assertThat(failed.get("error").get("code").asInt()).isEqualTo(JsonRpc.RUN_FAILED);
    assertThat(failed.get("error").get("data").get("cause").get("stepId").asText())
        .isEqualTo("check");
    assertThat(failed.has("result")).isFalse();
  }

  @Test
  void aCancelledTaskEndsCancelled() {
    JsonNode created = raw.result("tools/call", raw.toolCall("slow", raw.object("{'n': 1}"), true));
    String taskId = created.get("taskId").asText();
    assertThat(created.get("status").asText()).isEqualTo("working");
    // The run waits a minute for its timer, which the task says.
    Await.until(
        () ->
            raw.result("tasks/get", raw.taskId(taskId))
                .get("statusMessage")
                .asText()
                .equals("The run is running. Under way: nap."),
        DEADLINE);

    JsonNode ack = raw.result("tasks/cancel", raw.taskId(taskId));

    assertThat(ack.get("resultType").asText()).isEqualTo("complete");
    assertThat(ack.get("taskId").asText()).isEqualTo(taskId);
    // Cancelling again, once it has ended, changes nothing.
    assertThat(raw.result("tasks/cancel", raw.taskId(taskId)).get("resultType").asText())
        .isEqualTo("complete");
    pollUntil(taskId, "cancelled");
    assertThat(Await.result(lattice.client().run(RunId.of(taskId))).status())
        .isEqualTo(RunStatus.CANCELLED);
    // The 2025-11-25 revision's tasks/result: the cancelled run as a tool error.
    assertThat(raw.result("tasks/result", raw.taskId(taskId)).get("isError").asBoolean()).isTrue();
  }

  @Test
  void aLegacyTaskParameterGetsATaskInTheOlderForm() {
    ObjectNode params = raw.toolCall("indexing", raw.object("{'text': 'X.'}"), false);
    params.putObject("task").put("ttl", 60000);

    JsonNode task = raw.result("tools/call", params).get("task");

    assertThat(task.get("taskId").asText()).isNotBlank();
    JsonNode result = raw.result("tasks/result", raw.taskId(task.get("taskId").asText()));
    assertThat(result.get("structuredContent").get("done").get("nodes").asInt()).isEqualTo(1);
  }

  @Test
  void badRequestsGetJsonRpcErrorsAndStartNothing() {
    int runsBefore = runCount();

    assertThat(errorCode(raw.call("no/such/method", raw.object("{}"))))
        .isEqualTo(JsonRpc.METHOD_NOT_FOUND);
    JsonNode unknownTool = raw.call("tools/call", raw.toolCall("deploy", raw.object("{}"), false));
    assertThat(errorCode(unknownTool)).isEqualTo(JsonRpc.INVALID_PARAMS);
    assertThat(unknownTool.get("error").get("message").asText()).contains("unknown tool 'deploy'");
    JsonNode badArguments =
        raw.call("tools/call", raw.toolCall("approval", raw.object("{'item': 5}"), true));
    assertThat(errorCode(badArguments)).isEqualTo(JsonRpc.INVALID_PARAMS);
    assertThat(badArguments.get("error").get("data").get("errors").toString()).contains("/item");
    JsonNode missing = raw.call("tools/call", raw.toolCall("approval", raw.object("{}"), false));
    assertThat(missing.get("error").get("message").asText()).contains("item");
    JsonNode badPlan =
        raw.call(
            "tools/call",
            raw.toolCall(
                ToolCatalog.RUN_PLAN,
                raw.object(
                    "{'plan': {'steps': [{'id': 'a', 'kind': 'agent', 'capability': 'nope'}]}}"),
                false));
    assertThat(errorCode(badPlan)).isEqualTo(JsonRpc.INVALID_PARAMS);
    assertThat(badPlan.get("error").get("message").asText()).contains("nope");
    JsonNode oddPlan =
        raw.call(
            "tools/call",
            raw.toolCall(
                ToolCatalog.RUN_PLAN,
                raw.object("{'plan': {'steps': [{'id': 'a', 'capability': 'echo', 'colour': 1}]}}"),
                false));
    assertThat(oddPlan.get("error").get("message").asText())
        .isEqualTo("'plan' is not a valid plan: unknown field 'colour' (at plan.steps[0].colour)");
    JsonNode unknownTask = raw.call("tasks/get", raw.taskId("no-such-task"));
    assertThat(errorCode(unknownTask)).isEqualTo(JsonRpc.INVALID_PARAMS);

    assertThat(runCount()).isEqualTo(runsBefore);
  }

  @Test
  void brokenMessagesAreRefusedByTheTransport() {
    HttpResponse<String> malformed =
        raw.post("{\"jsonrpc\": \"2.0\", ", "application/json", raw.session());
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(errorCode(raw.read(malformed.body()))).isEqualTo(JsonRpc.PARSE_ERROR);

    HttpResponse<String> batch = raw.post("[]", "application/json", raw.session());
    assertThat(batch.statusCode()).isEqualTo(400);
    assertThat(errorCode(raw.read(batch.body()))).isEqualTo(JsonRpc.INVALID_REQUEST);

    HttpResponse<String> text = raw.post("{}", "text/plain", raw.session());
    assertThat(text.statusCode()).isEqualTo(415);

    JsonNode ping = raw.request("ping", raw.object("{}"), raw.nextId());
    assertThat(raw.send(ping, null).statusCode()).isEqualTo(400);
    HttpResponse<String> unknownSession = raw.send(ping, "0123456789abcdef");
    assertThat(unknownSession.statusCode()).isEqualTo(404);
    assertThat(errorCode(raw.read(unknownSession.body()))).isEqualTo(JsonRpc.SESSION_NOT_FOUND);

    HttpResponse<String> get = raw.exchange(HttpRequest.newBuilder(raw.endpoint()).GET().build());
    assertThat(get.statusCode()).isEqualTo(405);
  }

  @Test
  void aRequestNamingAForeignHostIsRefusedBeforeMcpSeesIt() {
    int port = URI.create(baseUrl).getPort();
    String initialize =
        raw.request("initialize", raw.object("{'protocolVersion': '2025-11-25'}"), 1).toString();

    RawHttp.Response rebound =
        RawHttp.send(
            port,
            "POST",
            "/mcp",
            Map.of("Host", "evil.example:" + port, "Content-Type", "application/json"),
            initialize);

    // DNS rebinding: a page that points its own name at 127.0.0.1 gets nothing from /mcp.
    assertThat(rebound.status()).isEqualTo(421);
    assertThat(rebound.header(McpRoutes.SESSION_HEADER)).isEmpty();
  }

  @Test
  void aSessionEndsWithDelete() {
    McpHttp client = new McpHttp(baseUrl);
    client.initialize();
    HttpRequest delete =
        HttpRequest.newBuilder(client.endpoint())
            .header(McpRoutes.SESSION_HEADER, client.session())
            .DELETE()
            .build();

    assertThat(client.exchange(delete).statusCode()).isEqualTo(204);
    assertThat(client.send(client.request("ping", null, 1), client.session()).statusCode())
        .isEqualTo(404);
  }

  /** The task once {@code tasks/get} shows {@code status}. */
  private JsonNode pollUntil(String taskId, String status) {
    return raw.pollUntil(taskId, status, DEADLINE);
  }

  private int runCount() {
    return Await.result(lattice.client().runs(new RunQuery(null, null, null, 500))).runs().size();
  }

  private static int errorCode(JsonNode response) {
    assertThat(response.has("error")).as("an error: %s", response).isTrue();
    return response.get("error").get("code").asInt();
  }
}
