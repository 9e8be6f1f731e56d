package dev.lattice.orchestrator.mcpclient;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.run.RunView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A node with MCP servers as a test drives it: one-step plans through its embedding client, its
 * agents through its HTTP API.
 */
final class McpTestNode {
  private final Lattice lattice;
  private final String api;
  private final Duration timeout;
  private final HttpClient http = HttpClient.newHttpClient();

  McpTestNode(Lattice lattice, String api, Duration timeout) {
    this.lattice = lattice;
    this.api = api;
    this.timeout = timeout;
  }

  /** Runs a plan of one step with one attempt; its final view. */
  RunView runOne(String stepId, String capability, String input) {
    return runStep("'id': '" + stepId + "', 'capability': '" + capability + "', 'input': " + input);
  }

  /** Runs a plan of one step of {@code fields}, with one attempt; its final view. */
  RunView runStep(String fields) {
    return runAs(TenantId.DEFAULT.value(), fields);
  }

  /**
   * Runs a plan of one step of {@code fields} for {@code tenant}, with one attempt unless the
   * fields give a retry policy.
   */
  RunView runAs(String tenant, String fields) {
    String retry = fields.contains("'retry'") ? "" : ", 'retry': {'maxAttempts': 1}";
    LatticeClient client = lattice.client();
    RunId runId =
        Await.result(
                client.execute(
                    ExecuteRequest.plan(plan("{'steps': [{" + fields + retry + "}]}"), json("{}"))
                        .withTenant(TenantId.of(tenant))))
            .runId();
    return Await.result(client.awaitTerminal(runId), timeout);
  }

  /** The agent {@code id} as {@code GET /api/v1/agents} shows it. */
  JsonNode agent(String id) {
    for (JsonNode agent : get("/api/v1/agents")) {
      if (agent.get("agentId").asText().equals(id)) {
        return agent;
      }
    }
    throw new AssertionError("no agent " + id + " in " + get("/api/v1/agents"));
  }

  /** The state of the agent's own breaker; closed before it first reported. */
  String breaker(String id) {
    JsonNode breaker = agent(id).get("breaker");
    return breaker == null ? "closed" : breaker.get("state").asText();
  }

  /** What {@code GET path} answers, which must be 200. */
  JsonNode get(String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(api + path)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
      return LatticeJson.mapper().readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
