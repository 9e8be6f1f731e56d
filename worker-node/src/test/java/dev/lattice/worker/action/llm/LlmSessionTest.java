package dev.lattice.worker.action.llm;

import static dev.lattice.worker.action.llm.LlmCalls.KEY;
import static dev.lattice.worker.action.llm.LlmCalls.KEY_ENV;
import static dev.lattice.worker.action.llm.LlmCalls.failure;
import static dev.lattice.worker.action.llm.LlmCalls.request;
import static dev.lattice.worker.action.llm.LlmCalls.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.modelserver.ModelServerSettings;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Fault;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Usage;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.session.MemoryPolicy;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionResult;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The llm action continuing a session, over real HTTP from the scripted model server, with the
 * session kept in memory here: what it asks the session, what it appends, and how an answer the
 * session holds already becomes the step's.
 */
class LlmSessionTest {
  private static final ActorTestKit testKit = ActorTestKit.create("llm-session");

  private static final ScriptedModelServer server =
      ScriptedModelServer.start(
          Script.of(
              ScriptEntry.text("Notes of the earlier talk.")
                  .when(Match.contains("Conversation:"))
                  .usage(Usage.of(100, 10)),
              ScriptEntry.fault(Fault.status(500)).when(Match.contains("break")),
              ScriptEntry.json(LatticeJson.mapper().valueToTree(Map.of("verdict", "approve")))
                  .when(Match.contains("review")),
              ScriptEntry.text("A fresh answer.").when(Match.regex(".")).usage(Usage.of(20, 3))),
          ModelServerSettings.loopback().withApiKey(KEY));

  private static final LlmSettings settings = LlmCalls.settings(server, "");
  private final ActionContext context = LlmCalls.context(testKit.system(), key -> true);
  private final FakeSessions sessions = new FakeSessions();
  private final LlmAction action =
      new LlmAction(
          settings,
          Map.of(KEY_ENV, KEY)::get,
          DeltaSink.NONE,
          RateReports.NONE,
          sessions,
          Clock.systemUTC());

  @AfterAll
  static void stop() {
    server.close();
    testKit.shutdownTestKit();
  }

  /** A session kept in memory: it answers with {@link #window} and appends to {@link #appended}. */
  static final class FakeSessions implements SessionMemory {
    volatile SessionWindow window = new SessionWindow(null, null, 0, List.of(), 0);
    volatile SessionWindow.Answer held;
    final List<SessionStep> opened = new CopyOnWriteArrayList<>();
    final List<SessionExchange> appended = new CopyOnWriteArrayList<>();
    final List<String> summaries = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<SessionWindow> open(ActorSystem<?> system, SessionStep step) {
      opened.add(step);
      return CompletableFuture.completedFuture(window);
    }

    @Override
    public CompletionStage<Done> summarise(
        ActorSystem<?> system, SessionStep step, long basedOn, long before, String summary) {
      summaries.add(basedOn + "-" + before + ": " + summary);
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    @Override
    public CompletionStage<Optional<SessionWindow.Answer>> append(
        ActorSystem<?> system, SessionStep step, SessionExchange exchange) {
      appended.add(exchange);
      return CompletableFuture.completedFuture(Optional.ofNullable(held));
    }
  }

  private static final String ASK =
      "{'model': 'scripted-model', 'session': 'ann', 'messages': [{'role': 'system', 'content':"
          + " 'Be kind.'}, {'role': 'user', 'content': 'Hi there.'}]}";

  @Test
  void theStepAsksForItsWindowAndAppendsItsOwnMessagesAndTheAnswer() {
    sessions.window =
        new SessionWindow(
            null,
            null,
            0,
            List.of(
                new SessionWindow.Message(0, "user", "Earlier question."),
                new SessionWindow.Message(1, "assistant", "Earlier answer.")),
            0);
    int before = server.requests().size();

    ActionResult result = run(action, request("llm", ASK), context);

    assertThat(result.output().get("text").asText()).isEqualTo("A fresh answer.");
    SessionStep step = sessions.opened.get(0);
    assertThat(step.exchangeKey()).isEqualTo("r/s");
    assertThat(step.name().value()).isEqualTo("ann");
    assertThat(step.policy()).isEqualTo(MemoryPolicy.window(40));
    assertThat(server.requests().get(before).body().path("messages").toString())
        .contains("Earlier question.")
        .contains("Earlier answer.");
    // The step's system message is sent, not kept.
    assertThat(sessions.appended.get(0).messages())
        .containsExactly(
            new ChatMessage("user", "Hi there."), new ChatMessage("assistant", "A fresh answer."));
  }

  @Test
  void anAnswerTheSessionHoldsForTheStepIsItsAnswerWithoutACall() {
    sessions.window =
        new SessionWindow(
            new SessionWindow.Answer("{\"verdict\":\"revise\"}", "m-1", "stop"),
            null,
            0,
            List.of(),
            0);
    int before = server.requests().size();

    ActionResult result =
        run(
            action,
            request(
                "llm",
                "{'model': 'scripted-model', 'session': 'ann', 'prompt': 'review it',"
                    + " 'schema': {'type': 'object'}}"),
            context);

    assertThat(server.requests()).hasSize(before);
    assertThat(result.output().get("json").get("verdict").asText()).isEqualTo("revise");
    assertThat(result.output().get("replayed").asBoolean()).isTrue();
    assertThat(result.output().get("model").asText()).isEqualTo("m-1");
    assertThat(result.usage().totalTokens()).isZero();
    assertThat(sessions.appended).isEmpty();
  }

  @Test
  void whenAnotherAttemptAppendedFirstItsAnswerIsTheStepsAndThisCallStillCounts() {
    sessions.held = new SessionWindow.Answer("The other attempt's answer.", "m-2", "stop");

    ActionResult result = run(action, request("llm", ASK), context);

    assertThat(result.output().get("text").asText()).isEqualTo("The other attempt's answer.");
    assertThat(result.output().get("replayed").asBoolean()).isTrue();
    assertThat(result.usage().promptTokens()).isEqualTo(20);
    assertThat(result.output().get("usage").get("promptTokens").asLong()).isEqualTo(20);
  }

  @Test
  void aSummaryDueIsWrittenFirstAndItsUsageCountsEvenWhenTheCallFails() {
    sessions.window =
        new SessionWindow(
            null,
            null,
            0,
            List.of(
                new SessionWindow.Message(0, "user", "Old question."),
                new SessionWindow.Message(1, "assistant", "Old answer."),
                new SessionWindow.Message(2, "user", "Newer question."),
                new SessionWindow.Message(3, "assistant", "Newer answer.")),
            2);

    var failed =
        failure(
            action,
            request("llm", "{'model': 'scripted-model', 'session': 'ann', 'prompt': 'break'}"),
            context);

    assertThat(sessions.summaries).containsExactly("0-2: Notes of the earlier talk.");
    assertThat(failed.errorClass()).isEqualTo(ErrorClass.AGENT_ERROR);
    assertThat(failed.usage().promptTokens()).isGreaterThanOrEqualTo(100);
    assertThat(failed.usage().completionTokens()).isGreaterThanOrEqualTo(10);
    assertThat(sessions.appended).isEmpty();
  }

  @Test
  void aSessionStepCannotOfferTools() {
    var refused =
        failure(
            action,
            request(
                "llm",
                "{'model': 'scripted-model', 'session': 'ann', 'prompt': 'hi',"
                    + " 'tools': [{'name': 'lookup'}]}"),
            context);

    assertThat(refused.errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(refused.getMessage()).contains("cannot offer tools");
    assertThat(sessions.opened).isEmpty();
  }
}
