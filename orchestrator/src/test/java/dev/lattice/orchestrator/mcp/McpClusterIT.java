package dev.lattice.orchestrator.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.LoopbackApi;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes of one cluster in this JVM, each serving {@code /mcp}: a task started through one is
 * polled and answered through the other, since a task is its run. A session is the node's own: the
 * other node answers 404 and the client initializes there.
 */
class McpClusterIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path data;
  @TempDir Path templates;

  @Test
  void aTaskStartedOnOneNodeIsPolledAndAnsweredOnAnother() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/mcp-templates/approval.json")) {
      Files.copy(in, templates.resolve("approval.json"));
    }
    try (Lattice main = node("local", null);
        Lattice far = node("far", main.address())) {
      Await.until(
          () ->
              Await.result(main.client().ready()).ready()
                  && Await.result(far.client().ready()).ready(),
          DEADLINE);
      McpHttp near = new McpHttp(LoopbackApi.start(main));
      McpHttp other = new McpHttp(LoopbackApi.start(far));
      near.initialize();

      String taskId =
          near.result(
                  "tools/call", near.toolCall("approval", near.object("{'item': 'bike'}"), true))
              .get("taskId")
              .asText();

      // The session is main's: far does not know it.
      assertThat(other.send(other.request("ping", null, 1), near.session()).statusCode())
          .isEqualTo(404);
      other.initialize();
      other.pollUntil(taskId, "input_required", DEADLINE);
      other.result(
          "tasks/update",
          other.object(
              "{'taskId': '" + taskId + "', 'inputResponses': {'approve': {'action': 'accept'}}}"));
      JsonNode done = near.pollUntil(taskId, "completed", DEADLINE);
      assertThat(done.get("result").get("structuredContent").get("place").get("item").asText())
          .isEqualTo("bike");
    }
  }

  /** A node named {@code name} on the shared journal, joining {@code seed} unless null. */
  private Lattice node(String name, String seed) {
    Map<String, Object> config = new HashMap<>();
    config.put("lattice.node.name", name);
    config.put("lattice.planner.template-dir", templates.toString());
    if (seed != null) {
      config.put("pekko.cluster.seed-nodes", List.of(seed));
    }
    return Lattice.builder().dataDirectory(data).config(ConfigFactory.parseMap(config)).start();
  }
}
