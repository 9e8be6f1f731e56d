package dev.lattice.worker.action.llm;

import static dev.lattice.worker.action.llm.LlmCalls.KEY;
import static dev.lattice.worker.action.llm.LlmCalls.context;
import static dev.lattice.worker.action.llm.LlmCalls.failure;
import static dev.lattice.worker.action.llm.LlmCalls.request;
import static dev.lattice.worker.action.llm.LlmCalls.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.modelserver.ModelServerSettings;
import dev.lattice.modelserver.RecordedRequest;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Fault;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Usage;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.RejectedOutput;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Structured output over real HTTP from the scripted model server: answers are validated against
 * the step's JSON Schema, a rejected one goes back to the model with the validator's errors, and
 * the attempt ends with the accepted answer or {@code malformed_output}, the usage of every try and
 * the rejected answers either way.
 */
class LlmRepairTest {
  private static final ActorTestKit testKit = ActorTestKit.create("llm-repair");
  private static final String SCORE_SCHEMA =
      "{'type': 'object', 'required': ['score'],"
          + " 'properties': {'score': {'type': 'integer', 'minimum': 1, 'maximum': 5}}}";
  private static final String RATE = "{'model': 'scripted-model', 'prompt': 'rate the change',";

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

  /** A model server answering {@code entries} in order, on the test's actor system. */
  private ScriptedModelServer server(ScriptEntry... entries) {
    ScriptedModelServer server =
        ScriptedModelServer.start(
            Script.of(entries),
            ModelServerSettings.loopback().withApiKey(KEY),
            Adapter.toClassic(testKit.system()));
    servers.add(server);
    return server;
  }

  private static LlmAction action(ScriptedModelServer server) {
    return action(server, "");
  }

  private static LlmAction action(ScriptedModelServer server, String extra) {
    return LlmCalls.action(LlmCalls.settings(server, extra));
  }

  @Test
  void aRejectedAnswerIsAskedForAgainWithItsErrorsAndTheRepairIsAccepted() {
    ScriptedModelServer server =
        server(
            ScriptEntry.json(json("{'score': 9}")).usage(Usage.of(100, 10)),
            ScriptEntry.json(json("{'score': 4}")).usage(Usage.of(130, 8)));

    ActionResult result =
        run(action(server), request("llm", RATE + " 'schema': " + SCORE_SCHEMA + "}"), context);

    assertThat(result.output().get("json")).isEqualTo(json("{'score': 4}"));
    assertThat(result.usage().promptTokens()).isEqualTo(230);
    assertThat(result.usage().completionTokens()).isEqualTo(18);
    assertThat(result.output().get("usage").get("promptTokens").asLong()).isEqualTo(230);
    assertThat(result.rejected()).hasSize(1);
    RejectedOutput rejected = result.rejected().get(0);
    assertThat(rejected.tryNumber()).isEqualTo(1);
    assertThat(rejected.errors()).containsExactly("/score: must have a maximum value of 5");
    assertThat(rejected.omittedErrors()).isZero();
    assertThat(rejected.output()).isEqualTo("{\"score\":9}");
    // The repair went on with the conversation: the rejected answer, then the errors.
    assertThat(server.requests()).hasSize(2);
    JsonNode messages = server.requests().get(1).body().get("messages");
    assertThat(messages).hasSize(3);
    assertThat(messages.get(0).get("content").asText()).isEqualTo("rate the change");
    assertThat(messages.get(1).get("role").asText()).isEqualTo("assistant");
    assertThat(messages.get(1).get("content").asText()).isEqualTo("{\"score\":9}");
    assertThat(messages.get(2).get("role").asText()).isEqualTo("user");
    assertThat(messages.get(2).get("content").asText())
        .contains("/score: must have a maximum value of 5")
        .contains("JSON Schema");
    // The schema went with both tries.
    assertThat(server.requests().get(1).body().get("response_format").get("type").asText())
        .isEqualTo("json_schema");
  }

  @Test
  void anAnswerThatIsNeverRightFailsAsMalformedOutputAfterTheRepairLimit() {
    ScriptedModelServer server =
        server(ScriptEntry.json(json("{'grade': 'A'}")).usage(Usage.of(50, 5)).times(10));

    ActionException failure =
        failure(
            action(server),
            request("llm", RATE + " 'schema': " + SCORE_SCHEMA + ", 'maxRepairs': 1}"),
            context);

    assertThat(failure.errorClass()).isEqualTo(ErrorClass.MALFORMED_OUTPUT);
    assertThat(failure.getMessage())
        .contains("(2 tries)")
        .contains("(root): required property 'score' not found")
        .contains("{\"grade\":\"A\"}");
    assertThat(server.requests()).hasSize(2);
    assertThat(failure.usage().promptTokens()).isEqualTo(100);
    assertThat(failure.usage().completionTokens()).isEqualTo(10);
    assertThat(failure.rejected()).extracting(RejectedOutput::tryNumber).containsExactly(1, 2);
    assertThat(failure.rejected().get(1).errors())
        .containsExactly("(root): required property 'score' not found");
  }

  @Test
  void theDefaultRepairLimitComesFromConfiguration() {
    ScriptedModelServer server = server(ScriptEntry.json(json("{'score': 0}")).times(10));

    ActionException failure =
        failure(
            action(server, "structured-output.repairs = 3"),
            request("llm", RATE + " 'schema': " + SCORE_SCHEMA + "}"),
            context);

    assertThat(failure.errorClass()).isEqualTo(ErrorClass.MALFORMED_OUTPUT);
    assertThat(server.requests()).hasSize(4);
    assertThat(failure.rejected()).hasSize(4);
  }

  @Test
  void anAnswerThatIsNotJsonIsRepairedToo() {
    ScriptedModelServer server =
        server(
            ScriptEntry.text("I would give it a four."),
            ScriptEntry.text("```json\n{\"score\": 4}\n```"));

    ActionResult result =
        run(action(server), request("llm", RATE + " 'schema': " + SCORE_SCHEMA + "}"), context);

    assertThat(result.output().get("json")).isEqualTo(json("{'score': 4}"));
    assertThat(result.rejected()).hasSize(1);
    assertThat(result.rejected().get(0).errors()).hasSize(1);
    assertThat(result.rejected().get(0).errors().get(0)).startsWith("the answer is not JSON");
    assertThat(result.rejected().get(0).output()).isEqualTo("I would give it a four.");
    assertThat(lastUserMessage(server.requests().get(1))).contains("the answer is not JSON");
  }

  @Test
  void anAnthropicRepairContinuesTheConversationInTurns() {
    ScriptedModelServer server =
        server(ScriptEntry.json(json("{'score': 9}")), ScriptEntry.json(json("{'score': 2}")));

    ActionResult result =
        run(
            action(server),
            request(
                "llm",
                "{'model': 'claude-test', 'prompt': 'rate the change', 'schema': "
                    + SCORE_SCHEMA
                    + "}"),
            context);

    assertThat(result.output().get("json")).isEqualTo(json("{'score': 2}"));
    RecordedRequest repair = server.requests().get(1);
    assertThat(repair.path()).isEqualTo("/v1/messages");
    assertThat(repair.body().get("system").asText()).contains("JSON Schema");
    assertThat(repair.body().get("messages"))
        .extracting(m -> m.get("role").asText())
        .containsExactly("user", "assistant", "user");
  }

  @Test
  void errorsAreCutToTheConfiguredCountAndLength() {
    ScriptedModelServer server =
        server(ScriptEntry.json(json("{'a': 1, 'b': 2, 'c': 3, 'd': 4}")).times(2));
    String schema =
        "{'type': 'object', 'properties': {'a': {'type': 'string'}, 'b': {'type': 'string'},"
            + " 'c': {'type': 'string'}, 'd': {'type': 'string'}}}";

    ActionException failure =
        failure(
            action(server, "structured-output { max-errors = 2, max-error-chars = 12 }"),
            request("llm", RATE + " 'schema': " + schema + ", 'maxRepairs': 0}"),
            context);

    RejectedOutput rejected = failure.rejected().get(0);
    assertThat(rejected.errors()).hasSize(2).allMatch(e -> e.length() <= 13 && e.endsWith("…"));
    assertThat(rejected.omittedErrors()).isEqualTo(2);
  }

  @Test
  void aCallThatFailsDuringRepairsKeepsTheEarlierTriesAndTheirUsage() {
    ScriptedModelServer server =
        server(
            ScriptEntry.json(json("{'score': 0}")).usage(Usage.of(70, 7)),
            ScriptEntry.fault(Fault.status(500)));

    ActionException failure =
        failure(action(server), request("llm", RATE + " 'schema': " + SCORE_SCHEMA + "}"), context);

    assertThat(failure.errorClass()).isEqualTo(ErrorClass.AGENT_ERROR);
    assertThat(failure.usage().promptTokens()).isEqualTo(70);
    assertThat(failure.rejected()).extracting(RejectedOutput::tryNumber).containsExactly(1);
  }

  @Test
  void anAttemptWithdrawnAfterARejectedAnswerMakesNoMoreCalls() {
    ScriptedModelServer server = server(ScriptEntry.json(json("{'score': 0}")).times(3));
    ActionContext withdrawn = context(testKit.system(), key -> false);

    ActionException failure =
        failure(
            action(server), request("llm", RATE + " 'schema': " + SCORE_SCHEMA + "}"), withdrawn);

    assertThat(failure.errorClass()).isEqualTo(ErrorClass.CANCELLED);
    assertThat(failure.rejected()).hasSize(1);
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void anInvalidSchemaIsInvalidInputWithoutACall() {
    ScriptedModelServer server = server(ScriptEntry.text("never"));
    LlmAction action = action(server);

    ActionException badType =
        failure(action, request("llm", RATE + " 'schema': {'type': 'objekt'}}"), context);
    ActionException badRef =
        failure(action, request("llm", RATE + " 'schema': {'$ref': '#/$defs/missing'}}"), context);
    ActionException remoteRef =
        failure(
            action,
            request("llm", RATE + " 'schema': {'$ref': 'http://169.254.169.254/schema'}}"),
            context);
    ActionException badPattern =
        failure(
            action,
            request("llm", RATE + " 'schema': {'type': 'string', 'pattern': '['}}"),
            context);

    for (ActionException e : List.of(badType, badRef, remoteRef, badPattern)) {
      assertThat(e.errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
      assertThat(e.getMessage()).startsWith("'schema' is not a valid JSON Schema");
    }
    assertThat(badType.getMessage()).contains("/type");
    assertThat(remoteRef.getMessage()).contains("not allowed");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void aRepairLimitOutOfRangeOrWithoutASchemaIsInvalidInput() {
    ScriptedModelServer server = server(ScriptEntry.text("never"));
    LlmAction action = action(server);

    ActionException tooMany =
        failure(
            action,
            request("llm", RATE + " 'schema': " + SCORE_SCHEMA + ", 'maxRepairs': 11}"),
            context);
    ActionException negative =
        failure(
            action,
            request("llm", RATE + " 'schema': " + SCORE_SCHEMA + ", 'maxRepairs': -1}"),
            context);
    ActionException noSchema = failure(action, request("llm", RATE + " 'maxRepairs': 1}"), context);

    assertThat(List.of(tooMany, negative, noSchema))
        .extracting(ActionException::errorClass)
        .containsOnly(ErrorClass.INVALID_INPUT);
    assertThat(tooMany.getMessage()).contains("from 0 to 10");
    assertThat(noSchema.getMessage()).contains("needs a 'schema'");
    assertThat(server.requests()).isEmpty();
  }

  private static String lastUserMessage(RecordedRequest request) {
    JsonNode messages = request.body().get("messages");
    return messages.get(messages.size() - 1).get("content").asText();
  }

  private static JsonNode json(String text) {
    try {
      return LatticeJson.mapper().readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
