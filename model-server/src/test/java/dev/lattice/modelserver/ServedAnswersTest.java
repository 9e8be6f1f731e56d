package dev.lattice.modelserver;

import static dev.lattice.modelserver.ModelClient.openAiBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.modelserver.script.Fault;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Streaming;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The server's record of the answers it sent to their end, and of how long each took. */
class ServedAnswersTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @Test
  void recordsAStreamedAnswerOnceItsLastByteIsSentWithTheTimeItTook() throws Exception {
    Streaming paced = Streaming.none().withFirstTokenDelayMs(50).withTokenDelayMs(20).byWords();
    Script script = Script.of(ScriptEntry.text("one two three four five").stream(paced));
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      ModelClient client = new ModelClient(server);
      ModelClient.events(client.open(client.openAi(openAiBody("m", "count", true))).body());

      awaitAnswers(server, 1);
      ServedAnswer answer = server.answers().get(0);
      assertThat(answer.request()).isEqualTo(server.requests().get(0));
      // The first token's wait and four waits between five words, at the least.
      assertThat(answer.took()).isGreaterThanOrEqualTo(Duration.ofMillis(50 + 4 * 20));
    }
  }

  @Test
  void recordsAWholeAnswerButNotOneAFaultCut() throws Exception {
    Script script =
        Script.of(
            ScriptEntry.text("one two three").failing(Fault.disconnectAfterTokens(1)),
            ScriptEntry.text("whole"));
    try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
      ModelClient client = new ModelClient(server);
      ModelClient.read(client.open(client.openAi(openAiBody("m", "first", true))).body());
      client.send(client.openAi(openAiBody("m", "second", false)));

      awaitAnswers(server, 1);
      assertThat(server.answers()).hasSize(1);
      assertThat(server.answers().get(0).request().body().toString()).contains("second");
    }
  }

  private static void awaitAnswers(ScriptedModelServer server, int count)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(DEADLINE);
    while (server.answers().size() < count) {
      assertThat(Instant.now()).as("answers recorded in time").isBefore(deadline);
      Thread.sleep(10);
    }
  }
}
