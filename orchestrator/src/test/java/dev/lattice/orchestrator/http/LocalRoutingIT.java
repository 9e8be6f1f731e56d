package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.LoopbackApi;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes of one cluster in this JVM, each with its own echo agent of equal priority: over real
 * HTTP, every invocation's step goes to the echo agent on the node that hosts the dispatcher of its
 * queue, as the run's audit trail and the nodes' state show.
 */
class LocalRoutingIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int RUNS = 16;

  /** More queues than nodes, so that both nodes host some. */
  private static final int DISPATCHER_SHARDS = 8;

  @TempDir Path data;

  @Test
  void eachStepGoesToTheAgentOnTheNodeOfItsDispatcherWhenSeveralFitEqually() {
    try (Lattice main = node(null, "local");
        Lattice far = node(main, "far")) {
      String mainApi = LoopbackApi.start(main);
      String farApi = LoopbackApi.start(far);
      Await.until(() -> status(mainApi, "/ready") == 200 && status(farApi, "/ready") == 200, WAIT);
      Await.until(
          () -> {
            String agents = get(mainApi, "/api/v1/agents").toString();
            return agents.contains("\"local.echo\"") && agents.contains("\"far.echo\"");
          },
          WAIT);

      List<String> runs = new ArrayList<>();
      for (int i = 0; i < RUNS; i++) {
        JsonNode result = post(mainApi, "/api/v1/agents/echo/invoke", "{\"task\": \"t" + i + "\"}");
        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("completed");
        runs.add(result.get("runId").asText());
      }

      Map<String, String> nodeOfQueue = new HashMap<>();
      queues(mainApi).forEach(busKey -> nodeOfQueue.put(busKey, "local"));
      queues(farApi).forEach(busKey -> nodeOfQueue.put(busKey, "far"));
      Set<String> agentsUsed = new HashSet<>();
      for (String runId : runs) {
        JsonNode dispatched = dispatched(mainApi, runId);
        String busKey = dispatched.get("busKey").asText();
        String agentId = dispatched.get("agentId").asText();
        assertThat(nodeOfQueue).as("the nodes' queues").containsKey(busKey);
        assertThat(agentId)
            .as(runId + " from " + busKey)
            .isEqualTo(nodeOfQueue.get(busKey) + ".echo");
        agentsUsed.add(agentId);
      }
      // Both nodes host queues here, so the preference shows both ways.
      assertThat(agentsUsed).containsExactlyInAnyOrder("local.echo", "far.echo");
    }
  }

  /** A node named {@code name}; with a {@code seed}, one that joins its cluster, on one journal. */
  private Lattice node(Lattice seed, String name) {
    String joining =
        seed == null ? "" : "\npekko.cluster.seed-nodes = [\"" + seed.address() + "\"]";
    return Lattice.builder()
        .dataDirectory(data)
        .config(
            ConfigFactory.parseString(
                "lattice.node.name = "
                    + name
                    + "\nlattice.run.dispatcher-shards = "
                    + DISPATCHER_SHARDS
                    + joining))
        .start();
  }

  /** The bus keys of the queues whose dispatchers the node at {@code api} hosts. */
  private List<String> queues(String api) {
    List<String> keys = new ArrayList<>();
    get(api, "/api/v1/state").get("queues").forEach(q -> keys.add(q.get("busKey").asText()));
    return keys;
  }

  /** The audit entry of the run's step being dispatched to an agent, once it is recorded. */
  private JsonNode dispatched(String api, String runId) {
    JsonNode[] found = new JsonNode[1];
    Await.until(
        () -> {
          Optional<JsonNode> entry = Optional.empty();
          for (JsonNode e : get(api, "/api/v1/runs/" + runId + "/audit").get("entries")) {
            if (e.get("kind").asText().equals("dispatched")) {
              entry = Optional.of(e);
            }
          }
          entry.ifPresent(e -> found[0] = e);
          return entry.isPresent();
        },
        WAIT);
    return found[0];
  }

  private int status(String api, String path) {
    return new JsonClient(api, WAIT).get(path).status();
  }

  private JsonNode get(String api, String path) {
    return new JsonClient(api, WAIT).get(path).json();
  }

  private JsonNode post(String api, String path, String body) {
    return new JsonClient(api, WAIT).post(path, body).json();
  }
}
