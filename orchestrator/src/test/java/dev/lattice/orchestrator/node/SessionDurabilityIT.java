package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.ModelServerSettings;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.orchestrator.testing.DataFiles;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.orchestrator.testing.SessionRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions through failures, over real HTTP on real nodes with H2 file journals: a step tried again
 * after its exchange was appended appends it once and calls no model again; a session outlives its
 * node; and the provider's key reaches the provider only, never the journal's files nor a session.
 */
class SessionDurabilityIT {
  private static final String KEY = "sk-lattice-test-5e55i0n-4b1d";

  @TempDir Path data;
  @TempDir Path secrets;

  @Test
  void aStepTriedAgainAfterItsExchangeWasAppendedAppendsItOnceAndCallsNoModel() throws Exception {
    // The answer is larger than a step's output may be: the agent fails the attempt with
    // malformed_output after the action appended the exchange, and the step tries again.
    try (ScriptedModelServer models =
            ScriptedModelServer.start(
                Script.of(ScriptEntry.text("long ".repeat(1000)).when(Match.contains("at length")))
                    .withModels("scripted-model"));
        Lattice lattice =
            Lattice.builder()
                .dataDirectory(data)
                .config(
                    ConfigFactory.parseString(
                        "lattice.payload.max-size = 2KiB\n"
                            + "lattice.llm.providers.local.base-url = \""
                            + models.baseUrl()
                            + "/v1\""))
                .start()) {
      SessionRuns runs = new SessionRuns(lattice, LoopbackApi.start(lattice));
      ObjectNode step = SessionRuns.step("Tell me at length.", null);
      step.putObject("retry").put("maxAttempts", 3).put("initialBackoffMs", 10);

      JsonNode run = runs.run("default", "ivy", step);

      assertThat(run.path("status").asText()).isEqualTo("failed");
      assertThat(run.at("/steps/0/attempts").asInt()).isEqualTo(3);
      assertThat(run.at("/steps/0/error/errorClass").asText()).isEqualTo("malformed_output");
      // The later attempts answered with the session's answer: one call, one exchange.
      assertThat(models.requests()).hasSize(1);
      JsonNode session = runs.session("default", "ivy", 200);
      assertThat(session.path("exchanges").asLong()).isEqualTo(1);
      assertThat(SessionRuns.messages(session)).hasSize(2);
    }
  }

  @Test
  void aSessionOutlivesItsNodeAndNeverHoldsTheProvidersKey() throws Exception {
    Path keyFile = Files.writeString(secrets.resolve("provider.key"), KEY + "\n");
    try (ScriptedModelServer models =
        ScriptedModelServer.start(
            Script.of(
                    ScriptEntry.text("Hello Jo.").when(Match.contains("My name is Jo")),
                    ScriptEntry.text("You are Jo.").when(Match.contains("Who am I")))
                .withModels("scripted-model"),
            ModelServerSettings.loopback().withApiKey(KEY))) {
      String config =
          "lattice.llm.providers.local.base-url = \"%s/v1\"\n".formatted(models.baseUrl())
              + "lattice.llm.providers.local.api-key-file = \"%s\"".formatted(keyFile);
      try (Lattice lattice =
          Lattice.builder().dataDirectory(data).config(ConfigFactory.parseString(config)).start()) {
        SessionRuns runs = new SessionRuns(lattice, LoopbackApi.start(lattice));
        assertThat(runs.run("default", "jo", "My name is Jo.", null).path("status").asText())
            .isEqualTo("completed");
        assertThat(runs.session("default", "jo", 200).toString()).doesNotContain(KEY);
      }
      // The node is closed: every journal file is written out, and none holds the key.
      String written = DataFiles.allText(data);
      assertThat(written).contains("Hello Jo.").doesNotContain(KEY);

      try (Lattice lattice =
          Lattice.builder().dataDirectory(data).config(ConfigFactory.parseString(config)).start()) {
        SessionRuns runs = new SessionRuns(lattice, LoopbackApi.start(lattice));
        assertThat(SessionRuns.messages(runs.session("default", "jo", 200)))
            .containsExactly("0 user: My name is Jo.", "1 assistant: Hello Jo.");
        runs.run("default", "jo", "Who am I?", null);
        assertThat(SessionRuns.conversation(models.requests().get(1)))
            .containsExactly(
                "system: Be brief.",
                "user: My name is Jo.",
                "assistant: Hello Jo.",
                "user: Who am I?");
      }
      assertThat(DataFiles.allText(data)).doesNotContain(KEY);
    }
  }
}
