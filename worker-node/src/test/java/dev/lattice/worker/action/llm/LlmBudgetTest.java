package dev.lattice.worker.action.llm;

import static dev.lattice.worker.action.llm.LlmCalls.KEY;
import static dev.lattice.worker.action.llm.LlmCalls.context;
import static dev.lattice.worker.action.llm.LlmCalls.failure;
import static dev.lattice.worker.action.llm.LlmCalls.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.ModelServerSettings;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.ActionResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an llm attempt may spend, over real HTTP to the scripted model server: the prompt estimate
 * bounds the prompt tokens the server counts (counting every character as a token, more than any
 * real tokenizer), each call's max_tokens is cut to what the attempt's budget leaves, a call whose
 * prompt alone does not fit is not made, and the worst case reserved for an attempt covers its
 * repairs.
 */
class LlmBudgetTest {
  private static final ActorTestKit testKit = ActorTestKit.create("llm-budget");
  private static final String SCHEMA =
      "{'type': 'object', 'required': ['score'], 'properties': {'score': {'type': 'integer'}}}";

  private static final String TOOLS =
      "'tools': [{'name': 'get_weather', 'description': 'The weather in a city, now',"
          + " 'parameters': {'type': 'object', 'required': ['city'],"
          + " 'properties': {'city': {'type': 'string', 'description': 'Its name'}}}}]";
  private static final String TOOL_TURN =
      "'messages': [{'role': 'user', 'content': 'Weather in Zürich?'},"
          + " {'role': 'assistant', 'toolCalls': [{'id': 'call_1', 'name': 'get_weather',"
          + "  'arguments': {'city': 'Zürich', 'units': 'metric'}}]},"
          + " {'role': 'tool', 'toolCallId': 'call_1', 'name': 'get_weather',"
          + "  'content': {'temp': '21°C', 'sky': '<b>sunny</b> & warm & dry'}}]";

  private final ActionContext context = context(testKit.system(), key -> true);
  private final List<ScriptedModelServer> servers = new ArrayList<>();

  @AfterEach
  void stopServers() {
    servers.forEach(ScriptedModelServer::close);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** A server answering {@code entries} in order, estimating usage at one token per character. */
  private ScriptedModelServer server(ScriptEntry... entries) {
    ModelServerSettings settings =
        ModelServerSettings.create(
                ConfigFactory.parseString("lattice.model-server.chars-per-token = 1")
                    .withFallback(ConfigFactory.load()))
            .withPort(0)
            .withApiKey(KEY);
    ScriptedModelServer server =
        ScriptedModelServer.start(
            Script.of(entries), settings, Adapter.toClassic(testKit.system()));
    servers.add(server);
    return server;
  }

  private static ActionRequest request(String model, Budget budget, String inputJson) {
    return LlmCalls.request("llm", model, budget, Instant.now().plusSeconds(20), inputJson);
  }

  @Test
  void thePromptEstimateIsAtLeastThePromptTokensTheServerCounts() {
    ScriptedModelServer server = server(ScriptEntry.text("{\"score\": 1}").times(100));
    LlmSettings settings = LlmCalls.settings(server, "");
    LlmAction action = LlmCalls.action(settings);
    List<String> inputs =
        List.of(
            "{'prompt': 'hello'}",
            "{'prompt': 'Grüße aus Zürich — 日本語のテキスト 🚀🚀', 'system': 'Be brief.'}",
            "{'messages': [{'role': 'system', 'content': 'You review code.'},"
                + " {'role': 'user', 'content': 'diff --git a/x b/x'},"
                + " {'role': 'assistant', 'content': 'Which file?'},"
                + " {'role': 'user', 'content': 'x, line 3: ñ'}]}",
            "{'prompt': 'rate it', 'schema': " + SCHEMA + "}",
            "{" + TOOLS + ", " + TOOL_TURN + "}",
            // Tool calls and results without tools offered: only their own text counts.
            "{" + TOOL_TURN + "}");
    for (String model : List.of(LlmCalls.OPENAI_MODEL, LlmCalls.ANTHROPIC_MODEL)) {
      for (String input : inputs) {
        ActionRequest request = request(model, Budget.UNLIMITED, input);
        long estimate =
            settings.promptEstimate().tokens(new CallResolver(settings).resolve(request));
        ActionResult result = run(action, request, context);
        assertThat(result.usage().promptTokens()).as(model + " " + input).isPositive();
        assertThat(estimate)
            .as(model + " " + input)
            .isGreaterThanOrEqualTo(result.usage().promptTokens());
      }
    }
  }

  @Test
  void theWorstCaseCountsTheToolsOfferedAndTheToolTurnsOfTheConversation() {
    ScriptedModelServer server = server(ScriptEntry.text("fine"));
    LlmSettings settings = LlmCalls.settings(server, "");
    LlmWorstCase worstCase = new LlmWorstCase(settings, Set.of());
    long plain =
        worstCase
            .tokens("llm", LlmCalls.OPENAI_MODEL, request(null, null, "{'prompt': 'x'}").input())
            .orElseThrow();
    long withTurn =
        worstCase
            .tokens(
                "llm", LlmCalls.OPENAI_MODEL, request(null, null, "{" + TOOL_TURN + "}").input())
            .orElseThrow();
    long withTools =
        worstCase
            .tokens(
                "llm",
                LlmCalls.OPENAI_MODEL,
                request(null, null, "{" + TOOLS + ", " + TOOL_TURN + "}").input())
            .orElseThrow();

    PromptEstimate estimate = settings.promptEstimate();
    // The call, its arguments and the wrapped result each count at least their bytes.
    assertThat(withTurn - plain).isGreaterThan(2L * estimate.tokensPerTool() + 150);
    assertThat(withTools - withTurn)
        .isGreaterThan(estimate.toolUseTokens() + estimate.tokensPerTool() + 100L);
  }

  @Test
  void aCallsMaxTokensIsCutToWhatTheAttemptsBudgetLeaves() {
    ScriptedModelServer server = server(ScriptEntry.text("fine"));
    LlmSettings settings = LlmCalls.settings(server, "");
    String input = "{'prompt': 'summarise', 'maxTokens': 500}";
    long prompt =
        settings
            .promptEstimate()
            .tokens(
                new CallResolver(settings)
                    .resolve(request(LlmCalls.OPENAI_MODEL, Budget.UNLIMITED, input)));

    run(
        LlmCalls.action(settings),
        request(LlmCalls.OPENAI_MODEL, new Budget(prompt + 30, null), input),
        context);

    assertThat(server.requests()).hasSize(1);
    assertThat(server.requests().get(0).body().get("max_tokens").asInt()).isEqualTo(30);
  }

  @Test
  void aCallWhosePromptDoesNotFitTheAttemptsBudgetIsNotMade() {
    ScriptedModelServer server = server(ScriptEntry.text("fine"));
    LlmSettings settings = LlmCalls.settings(server, "");

    ActionException failed =
        failure(
            LlmCalls.action(settings),
            request(LlmCalls.OPENAI_MODEL, new Budget(10L, null), "{'prompt': 'summarise'}"),
            context);

    assertThat(failed.errorClass()).isEqualTo(ErrorClass.BUDGET_EXCEEDED);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void theWorstCaseCoversEveryRepairAndARepairThatDoesNotFitIsNotAskedFor() {
    String input =
        "{'prompt': 'rate it', 'maxTokens': 60, 'maxRepairs': 2, 'schema': " + SCHEMA + "}";
    ScriptedModelServer roomy = server(notJson(), notJson(), ScriptEntry.text("{\"score\": 3}"));
    LlmSettings settings = LlmCalls.settings(roomy, "");
    JsonNode body = request(null, null, input).input();
    long worst =
        new LlmWorstCase(settings, Set.of())
            .tokens("llm", LlmCalls.OPENAI_MODEL, body)
            .orElseThrow();

    ActionResult result =
        run(
            LlmCalls.action(settings),
            request(LlmCalls.OPENAI_MODEL, new Budget(worst, null), input),
            context);

    assertThat(result.usage().totalTokens()).isLessThanOrEqualTo(worst);
    assertThat(roomy.requests())
        .hasSize(3)
        .allSatisfy(call -> assertThat(call.body().get("max_tokens").asInt()).isEqualTo(60));

    // Room for the first try only: the repair is not asked for, and the attempt stays within.
    ScriptedModelServer tight = server(notJson(), ScriptEntry.text("{\"score\": 3}"));
    LlmSettings tightSettings = LlmCalls.settings(tight, "");
    ActionRequest first = request(LlmCalls.OPENAI_MODEL, Budget.UNLIMITED, input);
    long budget =
        tightSettings.promptEstimate().tokens(new CallResolver(tightSettings).resolve(first)) + 80;
    ActionException failed =
        failure(
            LlmCalls.action(tightSettings),
            request(LlmCalls.OPENAI_MODEL, new Budget(budget, null), input),
            context);

    assertThat(failed.errorClass()).isEqualTo(ErrorClass.BUDGET_EXCEEDED);
    assertThat(tight.requests()).hasSize(1);
    assertThat(failed.rejected()).hasSize(1);
    assertThat(failed.usage().totalTokens()).isPositive().isLessThanOrEqualTo(budget);
  }

  /** An answer that is not JSON; its usage is the server's count (one token per character). */
  private static ScriptEntry notJson() {
    return ScriptEntry.text("no JSON here");
  }
}
