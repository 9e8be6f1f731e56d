package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Script;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.orchestrator.testing.SessionRuns;
import dev.lattice.protocol.json.LatticeJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sessions example of docs/agents.md as a user runs it: the shipped plan and script, four runs
 * for one user, and the session they leave; only the model server's port differs.
 */
class SessionExampleIT {
  private static final Path PLAN = Path.of("..", "examples", "llm-session.json");
  private static final Path SCRIPT = Path.of("..", "examples", "session-script.json");

  @TempDir Path data;

  @Test
  void fourRunsOfOneUserLeaveASummaryAndTheLatestExchanges() throws Exception {
    JsonNode step = LatticeJson.mapper().readTree(Files.readString(PLAN)).at("/steps/0");
    try (ScriptedModelServer models = ScriptedModelServer.start(Script.fromJson(SCRIPT));
        Lattice lattice =
            Lattice.builder()
                .dataDirectory(data)
                .config(
                    ConfigFactory.parseString(
                        "lattice.llm.providers.local.base-url = \"%s/v1\""
                            .formatted(models.baseUrl())))
                .start()) {
      SessionRuns runs = new SessionRuns(lattice, LoopbackApi.start(lattice));
      for (String message :
          List.of(
              "I am planning a trip to Lisbon in May.",
              "I prefer trains to planes.",
              "My budget is 1,500 euros.",
              "Make me a plan.")) {
        ObjectNode request = LatticeJson.mapper().createObjectNode();
        request.putObject("payload").put("user", "ada").put("message", message);
        request.putObject("plan").putArray("steps").add(step.deepCopy());
        assertThat(runs.run(request).path("status").asText()).isEqualTo("completed");
      }

      JsonNode session = runs.session("default", "ada", 200);
      assertThat(session.at("/summary/content").asText())
          .isEqualTo("Ada plans a trip to Lisbon in May and prefers trains to planes.");
      assertThat(SessionRuns.messages(session))
          .containsExactly(
              "4 user: My budget is 1,500 euros.",
              "5 assistant: Noted: 1,500 euros.",
              "6 user: Make me a plan.",
              "7 assistant: Take the night train from Madrid to Lisbon, stay in Alfama, and keep"
                  + " 300 euros for day trips.");
      assertThat(session.path("exchanges").asLong()).isEqualTo(4);
      assertThat(session.path("summarised").asLong()).isEqualTo(4);
      // Four answers and one summary.
      assertThat(models.requests()).hasSize(5);
    }
  }
}
