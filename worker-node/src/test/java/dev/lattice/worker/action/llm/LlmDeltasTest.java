package dev.lattice.worker.action.llm;

import static dev.lattice.worker.action.llm.LlmCalls.KEY;
import static dev.lattice.worker.action.llm.LlmCalls.KEY_ENV;
import static dev.lattice.worker.action.llm.LlmCalls.context;
import static dev.lattice.worker.action.llm.LlmCalls.request;
import static dev.lattice.worker.action.llm.LlmCalls.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.modelserver.ModelServerSettings;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Streaming;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.run.StepDelta;
import dev.lattice.worker.action.ActionContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The text of a streamed answer leaves the llm action in order, with its place in the attempt's
 * answer, before the result does; each repair of structured output starts a new text.
 */
class LlmDeltasTest {
  private static final ActorTestKit testKit = ActorTestKit.create("llm-deltas");

  private final ActionContext context = context(testKit.system(), key -> true);
  private final List<StepDelta> sent = new CopyOnWriteArrayList<>();
  private ScriptedModelServer server;

  @AfterEach
  void stopServer() {
    server.close();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private LlmAction action(ScriptEntry... entries) {
    server =
        ScriptedModelServer.start(
            Script.of(entries),
            ModelServerSettings.loopback().withApiKey(KEY),
            Adapter.toClassic(testKit.system()));
    return new LlmAction(
        LlmCalls.settings(server, "deltas.flush-interval = 1h"),
        Map.of(KEY_ENV, KEY)::get,
        (system, delta) -> sent.add(delta),
        Clock.systemUTC());
  }

  @Test
  void theStreamedTextIsSentBeforeTheResultEvenWhenItsBatchWaits() {
    LlmAction action =
        action(ScriptEntry.text("one two three four").stream(Streaming.none().byWords()));

    run(
        action,
        request("llm", "{'model': 'scripted-model', 'prompt': 'count', 'stream': true}"),
        context);

    // The batch would wait an hour: the end of the call sent it.
    assertThat(sent).hasSize(1);
    StepDelta delta = sent.get(0);
    assertThat(delta.text()).isEqualTo("one two three four");
    assertThat(delta.runId()).isEqualTo("r");
    assertThat(delta.stepId()).isEqualTo("s");
    assertThat(delta.attempt()).isEqualTo(1);
    assertThat(delta.reset()).isTrue();
  }

  @Test
  void eachRepairTryStartsANewText() throws Exception {
    JsonNode wrong = LatticeJson.mapper().readTree("{\"score\": 9}");
    JsonNode right = LatticeJson.mapper().readTree("{\"score\": 4}");
    LlmAction action = action(ScriptEntry.json(wrong), ScriptEntry.json(right));

    run(
        action,
        request(
            "llm",
            "{'model': 'scripted-model', 'prompt': 'rate', 'stream': true, 'schema':"
                + " {'type': 'object', 'properties': {'score': {'maximum': 5}}}}"),
        context);

    assertThat(sent)
        .extracting(d -> d.tryNumber() + ":" + d.offset() + ":" + d.reset() + ":" + d.text())
        .containsExactly("1:0:true:{\"score\":9}", "2:0:true:{\"score\":4}");
  }
}
