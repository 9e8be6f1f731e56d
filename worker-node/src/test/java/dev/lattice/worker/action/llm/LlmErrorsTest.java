package dev.lattice.worker.action.llm;

import static dev.lattice.worker.action.llm.LlmCalls.KEY;
import static dev.lattice.worker.action.llm.LlmCalls.context;
import static dev.lattice.worker.action.llm.LlmCalls.failure;
import static dev.lattice.worker.action.llm.LlmCalls.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.modelserver.ModelServerSettings;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Fault;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Streaming;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.Heartbeats;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every way a provider call fails, mapped to its canonical error class, each call made exactly
 * once: the client never retries (the step's retry policy does).
 */
class LlmErrorsTest {
  private static final ActorTestKit testKit = ActorTestKit.create("llm-errors");
  private static final ScriptedModelServer server =
      ScriptedModelServer.start(
          Script.of(
              ScriptEntry.fault(Fault.rateLimited(7)).when(Match.contains("busy")),
              ScriptEntry.fault(Fault.status(500)).when(Match.contains("broken")),
              ScriptEntry.fault(Fault.status(503)).when(Match.contains("overloaded")),
              ScriptEntry.fault(Fault.status(404)).when(Match.contains("missing")),
              ScriptEntry.fault(Fault.contextLengthExceeded()).when(Match.contains("long")),
              ScriptEntry.text("one two three four five")
                  .when(Match.contains("drop early"))
                  .failing(Fault.disconnect()),
              ScriptEntry.text("one two three four five")
                  .when(Match.contains("drop midway"))
                  .failing(Fault.disconnectAfterTokens(2))
                  .stream(Streaming.none().byWords()),
              ScriptEntry.text("{\"a\": 1}")
                  .when(Match.contains("garbled"))
                  .failing(Fault.malformedJson()),
              ScriptEntry.text("late answer").when(Match.contains("slow")).stream(
                  Streaming.none().withFirstTokenDelayMs(5000))),
          ModelServerSettings.loopback().withApiKey(KEY));

  private static final LlmSettings settings = LlmCalls.settings(server, "");
  private final ActionContext context = context(testKit.system(), Heartbeats.NONE);
  private final LlmAction action = LlmCalls.action(settings);

  @AfterAll
  static void stop() {
    server.close();
    testKit.shutdownTestKit();
  }

  @Test
  void aWrongKeyIsAuthNamingTheVariable() {
    LlmAction wrongKey = LlmCalls.action(settings, Map.of(LlmCalls.KEY_ENV, "sk-wrong-key-42"));

    ActionException failure = once(() -> failure(wrongKey, openAi("hello"), context));

    assertThat(failure.errorClass()).isEqualTo(ErrorClass.AUTH);
    assertThat(failure.getMessage()).contains("401").contains(LlmCalls.KEY_ENV);
    assertThat(failure.getMessage()).doesNotContain("sk-wrong-key-42");
  }

  @Test
  void aMissingKeyIsAuthNamingTheVariableWithoutACall() {
    LlmAction noKey = LlmCalls.action(settings, Map.of());
    int before = server.requests().size();

    ActionException failure = failure(noKey, openAi("hello"), context);

    assertThat(failure.errorClass()).isEqualTo(ErrorClass.AUTH);
    assertThat(failure.getMessage()).contains(LlmCalls.KEY_ENV).contains("not set or empty");
    assertThat(server.requests()).hasSize(before);
  }

  @Test
  void tooManyRequestsIsRateLimitedCarryingRetryAfter() {
    ActionException failure = failed(openAi("busy"));

    assertThat(failure.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
    assertThat(failure.retryAfter()).contains(Duration.ofSeconds(7));
    assertThat(failure.getMessage()).contains("429").endsWith("retryAfterMs=7000");
  }

  @Test
  void anthropicRateLimitIsRateLimitedToo() {
    ActionException failure = failed(anthropic("busy"));

    assertThat(failure.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
    assertThat(failure.getMessage()).contains("rate_limit_error");
    assertThat(failure.retryAfter()).contains(Duration.ofSeconds(7));
  }

  @Test
  void serverErrorsAreAgentErrors() {
    ActionException broken = failed(openAi("broken"));
    ActionException overloaded = failed(anthropic("overloaded"));

    assertThat(broken.errorClass()).isEqualTo(ErrorClass.AGENT_ERROR);
    assertThat(broken.getMessage()).contains("500").contains("server_error");
    assertThat(overloaded.errorClass()).isEqualTo(ErrorClass.AGENT_ERROR);
    assertThat(overloaded.getMessage()).contains("503");
  }

  @Test
  void otherClientErrorsAreInvalidInput() {
    ActionException failure = failed(openAi("missing"));

    assertThat(failure.errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(failure.getMessage()).contains("404");
  }

  @Test
  void aPromptTooLongIsInvalidInputInBothProtocols() {
    ActionException openAi = failed(openAi("long"));
    ActionException anthropic = failed(anthropic("long"));

    assertThat(openAi.errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(openAi.getMessage()).contains("context_length_exceeded").contains("context");
    assertThat(anthropic.errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(anthropic.getMessage()).contains("longer than the model's context");
  }

  @Test
  void aConnectionDroppedBeforeAnsweringIsAnAgentError() {
    ActionException failure = failed(openAi("drop early"));

    assertThat(failure.errorClass()).isEqualTo(ErrorClass.AGENT_ERROR);
  }

  @Test
  void aStreamCutMidwayIsAnAgentError() {
    ActionException openAi = failed(streamed(openAi("drop midway")));
    ActionException anthropic = failed(streamed(anthropic("drop midway")));

    assertThat(openAi.errorClass()).isEqualTo(ErrorClass.AGENT_ERROR);
    assertThat(openAi.getMessage()).contains("broke after");
    assertThat(anthropic.errorClass()).isEqualTo(ErrorClass.AGENT_ERROR);
  }

  @Test
  void unparseableProviderJsonIsAnAgentError() {
    ActionException whole = failed(openAi("garbled"));
    ActionException streamedFailure = failed(streamed(openAi("garbled")));

    assertThat(whole.errorClass()).isEqualTo(ErrorClass.AGENT_ERROR);
    assertThat(whole.getMessage()).contains("not valid JSON");
    assertThat(streamedFailure.errorClass()).isEqualTo(ErrorClass.AGENT_ERROR);
  }

  @Test
  void aSlowFirstTokenPastTheDeadlineIsATimeout() {
    ActionException streamedFailure =
        failed(
            streamed(
                request("llm", null, soon(), "{'model': 'scripted-model', 'prompt': 'slow'}")));
    ActionException whole =
        failed(request("llm", null, soon(), "{'model': 'scripted-model', 'prompt': 'slow'}"));

    assertThat(streamedFailure.errorClass()).isEqualTo(ErrorClass.TIMEOUT);
    assertThat(whole.errorClass()).isEqualTo(ErrorClass.TIMEOUT);
  }

  @Test
  void aDeadlineAlreadyPassedIsATimeoutWithoutACall() {
    int before = server.requests().size();

    ActionException failure =
        failure(
            action,
            request(
                "llm",
                null,
                Instant.now().minusSeconds(1),
                "{'model': 'scripted-model', 'prompt': 'x'}"),
            context);

    assertThat(failure.errorClass()).isEqualTo(ErrorClass.TIMEOUT);
    assertThat(server.requests()).hasSize(before);
  }

  /** A deadline well before the scripted answer's first token. */
  private static Instant soon() {
    return Instant.now().plusMillis(300);
  }

  /** The failure of {@code request}, checked to have reached the server exactly once. */
  private ActionException failed(ActionRequest request) {
    return once(() -> failure(action, request, context));
  }

  /** Runs {@code call} and checks that it reached the server exactly once. */
  private static ActionException once(Supplier<ActionException> call) {
    int before = server.requests().size();
    ActionException failure = call.get();
    assertThat(server.requests()).hasSize(before + 1);
    return failure;
  }

  private static ActionRequest openAi(String prompt) {
    return request("llm", "{'model': 'scripted-model', 'prompt': '" + prompt + "'}");
  }

  private static ActionRequest anthropic(String prompt) {
    return request("llm", "{'model': 'claude-test', 'prompt': '" + prompt + "'}");
  }

  private static ActionRequest streamed(ActionRequest request) {
    ((ObjectNode) request.input()).put("stream", true);
    return request;
  }
}
