package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.orchestrator.testing.SessionRuns;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes of one cluster in this JVM, on one journal: an orchestrator-only node, which hosts the
 * sessions' shards and serves the API, and a worker-only node, whose llm agent runs the steps and
 * reaches the sessions through sharding.
 */
class SessionClusterIT {
  @TempDir Path data;

  @Test
  void aWorkerOnlyNodesStepsContinueSessionsTheOrchestratorsHost() throws Exception {
    try (ScriptedModelServer models =
        ScriptedModelServer.start(
            Script.of(
                    ScriptEntry.text("Hello Kim.").when(Match.contains("I am Kim")),
                    ScriptEntry.text("You are Kim.").when(Match.contains("Who am I")))
                .withModels("scripted-model"))) {
      Config provider =
          ConfigFactory.parseString(
              "lattice.llm.providers.local.base-url = \"%s/v1\"".formatted(models.baseUrl()));
      try (Lattice orchestrator =
              Lattice.builder()
                  .dataDirectory(data)
                  .config(provider)
                  .config(ConfigFactory.parseString("lattice.node.roles = [orchestrator]"))
                  .start();
          Lattice worker =
              Lattice.builder()
                  .dataDirectory(data)
                  .config(provider)
                  .config(
                      ConfigFactory.parseString(
                          "lattice.node.roles = [worker]\nlattice.node.name = hands\n"
                              + "pekko.cluster.seed-nodes = [\""
                              + orchestrator.address()
                              + "\"]"))
                  .start()) {
        // The worker's agents register with the orchestrator's directory after the worker starts.
        Await.until(
            () ->
                Await.result(orchestrator.client().agents()).stream()
                    .anyMatch(agent -> agent.capabilities().contains("llm")),
            Duration.ofSeconds(30));
        SessionRuns runs = new SessionRuns(orchestrator, LoopbackApi.start(orchestrator));

        JsonNode first = runs.run("default", "kim", "I am Kim.", null);
        runs.run("default", "kim", "Who am I?", null);

        assertThat(first.at("/steps/0/agentId").asText()).startsWith("hands.");
        assertThat(SessionRuns.conversation(models.requests().get(1)))
            .containsExactly(
                "system: Be brief.", "user: I am Kim.", "assistant: Hello Kim.", "user: Who am I?");
        assertThat(SessionRuns.messages(runs.session("default", "kim", 200)))
            .containsExactly(
                "0 user: I am Kim.",
                "1 assistant: Hello Kim.",
                "2 user: Who am I?",
                "3 assistant: You are Kim.");
      }
    }
  }
}
