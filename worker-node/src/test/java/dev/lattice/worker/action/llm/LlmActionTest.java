package dev.lattice.worker.action.llm;

import static dev.lattice.worker.action.llm.LlmCalls.ANTHROPIC_MODEL;
import static dev.lattice.worker.action.llm.LlmCalls.KEY;
import static dev.lattice.worker.action.llm.LlmCalls.OPENAI_MODEL;
import static dev.lattice.worker.action.llm.LlmCalls.context;
import static dev.lattice.worker.action.llm.LlmCalls.failure;
import static dev.lattice.worker.action.llm.LlmCalls.request;
import static dev.lattice.worker.action.llm.LlmCalls.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.modelserver.ModelServerSettings;
import dev.lattice.modelserver.RecordedRequest;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Streaming;
import dev.lattice.modelserver.script.Usage;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionResult;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The llm action answering over real HTTP from the scripted model server, in both protocols. */
class LlmActionTest {
  private static final ActorTestKit testKit = ActorTestKit.create("llm-action");
  private static final String REVIEW_JSON = "{\"verdict\":\"approve\",\"comments\":[]}";

  private static final ScriptedModelServer server =
      ScriptedModelServer.start(
          Script.of(
              ScriptEntry.text("A short summary.")
                  .when(Match.contains("summarise"))
                  .usage(Usage.of(120, 4).withCachedTokens(100).withReasoningTokens(2))
                  .stream(Streaming.none().byWords()),
              ScriptEntry.json(json(REVIEW_JSON)).when(Match.contains("review")),
              ScriptEntry.text("```json\n" + REVIEW_JSON + "\n```").when(Match.contains("fenced")),
              ScriptEntry.text("I think it looks fine.").when(Match.contains("prose")),
              ScriptEntry.text("Reviewed as configured.").when(Match.contains("profile"))),
          ModelServerSettings.loopback().withApiKey(KEY));

  private static final LlmSettings settings =
      LlmCalls.settings(
          server,
          """
          profiles {
            reviewer { provider = anthropic-test, model = "claude-test",
                       system = "You review code.", temperature = 0.2, max-tokens = 300 }
          }
          """);
  private final AtomicInteger beats = new AtomicInteger();
  private final ActionContext context = LlmCalls.counting(testKit.system(), beats);
  private final LlmAction action = LlmCalls.action(settings);

  @AfterAll
  static void stop() {
    server.close();
    testKit.shutdownTestKit();
  }

  @Test
  void answersAnOpenAiPromptWithTextModelAndUsage() {
    ActionResult result =
        run(
            action,
            request("llm", "{'model': 'scripted-model', 'prompt': 'summarise it'}"),
            context);

    JsonNode output = result.output();
    assertThat(output.get("text").asText()).isEqualTo("A short summary.");
    assertThat(output.get("finishReason").asText()).isEqualTo("stop");
    assertThat(output.get("model").asText()).isEqualTo(OPENAI_MODEL);
    assertThat(output.get("usage").get("promptTokens").asLong()).isEqualTo(120);
    assertThat(output.get("usage").get("completionTokens").asLong()).isEqualTo(4);
    assertThat(output.get("usage").get("cachedTokens").asLong()).isEqualTo(100);
    assertThat(output.get("usage").get("reasoningTokens").asLong()).isEqualTo(2);
    assertThat(result.usage().model()).isEqualTo(OPENAI_MODEL);
    assertThat(result.usage().cachedTokens()).isEqualTo(100);
    assertThat(result.usage().reasoningTokens()).isEqualTo(2);
    assertThat(result.usage().costUsd()).isZero();
  }

  @Test
  void streamsAnOpenAiAnswerWithUsageAndHeartbeats() {
    ActionResult result =
        run(
            action,
            request("llm", "{'model': 'scripted-model', 'prompt': 'summarise it', 'stream': true}"),
            context);

    assertThat(result.output().get("text").asText()).isEqualTo("A short summary.");
    assertThat(result.usage().promptTokens()).isEqualTo(120);
    assertThat(result.usage().cachedTokens()).isEqualTo(100);
    assertThat(result.usage().reasoningTokens()).isEqualTo(2);
    assertThat(beats.get()).isEqualTo(3);
    RecordedRequest sent = last();
    assertThat(sent.body().get("stream").asBoolean()).isTrue();
    assertThat(sent.body().get("stream_options").get("include_usage").asBoolean()).isTrue();
  }

  @Test
  void sendsTheConversationAndOptionsInOpenAiForm() {
    run(
        action,
        request(
            "llm",
            """
            {'model': 'scripted-model', 'temperature': 0.5, 'maxTokens': 50, 'stop': 'END',
             'messages': [{'role': 'system', 'content': 'Be terse.'},
                          {'role': 'user', 'content': 'summarise this'}]}
            """),
        context);

    RecordedRequest sent = last();
    assertThat(sent.path()).isEqualTo("/v1/chat/completions");
    assertThat(sent.header("authorization")).isEqualTo(RecordedRequest.REDACTED);
    assertThat(sent.body().get("messages")).hasSize(2);
    assertThat(sent.body().get("temperature").asDouble()).isEqualTo(0.5);
    assertThat(sent.body().get("max_tokens").asInt()).isEqualTo(50);
    assertThat(sent.body().get("stop").get(0).asText()).isEqualTo("END");
  }

  @Test
  void answersAnAnthropicPromptWithUsageIncludingCacheReads() {
    ActionResult result =
        run(
            action,
            request(
                "llm", "{'model': 'claude-test', 'system': 'Be terse.', 'prompt': 'summarise'}"),
            context);

    assertThat(result.output().get("text").asText()).isEqualTo("A short summary.");
    assertThat(result.output().get("finishReason").asText()).isEqualTo("stop");
    assertThat(result.output().get("model").asText()).isEqualTo(ANTHROPIC_MODEL);
    // Anthropic's input_tokens leaves out cache reads; the prompt counts them again.
    assertThat(result.usage().promptTokens()).isEqualTo(120);
    assertThat(result.usage().cachedTokens()).isEqualTo(100);
    assertThat(result.usage().completionTokens()).isEqualTo(4);
    RecordedRequest sent = last();
    assertThat(sent.path()).isEqualTo("/v1/messages");
    assertThat(sent.header("x-api-key")).isEqualTo(RecordedRequest.REDACTED);
    assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(sent.body().get("system").asText()).isEqualTo("Be terse.");
  }

  @Test
  void streamsAnAnthropicAnswer() {
    ActionResult result =
        run(
            action,
            request("llm", "{'model': 'claude-test', 'prompt': 'summarise', 'stream': true}"),
            context);

    assertThat(result.output().get("text").asText()).isEqualTo("A short summary.");
    assertThat(result.output().get("finishReason").asText()).isEqualTo("stop");
    assertThat(result.usage().completionTokens()).isEqualTo(4);
    assertThat(result.usage().cachedTokens()).isEqualTo(100);
    assertThat(beats.get()).isEqualTo(3);
  }

  @Test
  void aCapabilityNamingAProfileUsesItsProviderModelAndSystem() {
    ActionResult result = run(action, request("reviewer", "{'prompt': 'profile check'}"), context);

    assertThat(result.output().get("text").asText()).isEqualTo("Reviewed as configured.");
    RecordedRequest sent = last();
    assertThat(sent.model()).isEqualTo(ANTHROPIC_MODEL);
    assertThat(sent.body().get("system").asText()).isEqualTo("You review code.");
    assertThat(sent.body().get("temperature").asDouble()).isEqualTo(0.2);
    assertThat(sent.body().get("max_tokens").asInt()).isEqualTo(300);
  }

  @Test
  void theAssignmentsModelChoosesTheProvider() {
    ActionResult result =
        run(
            action,
            request("llm", OPENAI_MODEL, Instant.now().plusSeconds(20), "{'prompt': 'summarise'}"),
            context);

    assertThat(result.output().get("model").asText()).isEqualTo(OPENAI_MODEL);
  }

  @Test
  void structuredOutputIsParsedAndTheSchemaSentAsResponseFormat() {
    ActionResult result =
        run(
            action,
            request(
                "llm",
                """
                {'model': 'scripted-model', 'prompt': 'review this',
                 'schema': {'type': 'object', 'required': ['verdict']}, 'schemaName': 'review'}
                """),
            context);

    assertThat(result.output().get("json")).isEqualTo(json(REVIEW_JSON));
    assertThat(result.output().has("text")).isFalse();
    JsonNode format = last().body().get("response_format");
    assertThat(format.get("type").asText()).isEqualTo("json_schema");
    assertThat(format.get("json_schema").get("name").asText()).isEqualTo("review");
    assertThat(format.get("json_schema").get("schema").get("required").get(0).asText())
        .isEqualTo("verdict");
  }

  @Test
  void anthropicStructuredOutputIsAskedForInWordsAndMayComeFenced() {
    ActionResult result =
        run(
            action,
            request(
                "llm",
                "{'model': 'claude-test', 'prompt': 'fenced please', 'schema': {'type': 'object'}}"),
            context);

    assertThat(result.output().get("json")).isEqualTo(json(REVIEW_JSON));
    assertThat(last().body().get("system").asText()).contains("JSON Schema");
  }

  @Test
  void anAnswerThatIsNotTheAskedJsonIsMalformedOutputWithItsUsage() {
    var failure =
        failure(
            action,
            request(
                "llm",
                "{'model': 'scripted-model', 'prompt': 'prose', 'schema': {'type': 'object'},"
                    + " 'maxRepairs': 0}"),
            context);

    assertThat(failure.errorClass()).isEqualTo(ErrorClass.MALFORMED_OUTPUT);
    assertThat(failure.getMessage()).contains("I think it looks fine.");
    assertThat(failure.usage().completionTokens()).isPositive();
  }

  @Test
  void badInputIsInvalidInputWithoutACall() {
    int before = server.requests().size();

    var noConversation = failure(action, request("llm", "{'model': 'scripted-model'}"), context);
    var unknownField =
        failure(
            action,
            request("llm", "{'model': 'scripted-model', 'prompt': 'x', 'tmp': 1}"),
            context);
    var unknownModel =
        failure(action, request("llm", "{'model': 'nobody', 'prompt': 'x'}"), context);

    assertThat(noConversation.errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(unknownField.getMessage()).contains("'tmp'");
    assertThat(unknownModel.getMessage()).contains("no provider serves model 'nobody'");
    assertThat(server.requests()).hasSize(before);
  }

  private static RecordedRequest last() {
    var all = server.requests();
    return all.get(all.size() - 1);
  }

  private static JsonNode json(String text) {
    try {
      return LatticeJson.mapper().readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
