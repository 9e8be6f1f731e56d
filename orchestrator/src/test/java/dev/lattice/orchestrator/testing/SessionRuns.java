package dev.lattice.orchestrator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.modelserver.RecordedRequest;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs of llm steps that continue sessions, and the sessions themselves, over a node's HTTP API as
 * a user's program would use them.
 */
public final class SessionRuns {
  private final HttpClient http = HttpClient.newHttpClient();
  private final Lattice lattice;
  private final String api;

  /** Over {@code api}, the HTTP API of {@code lattice}. */
  public SessionRuns(Lattice lattice, String api) {
    this.lattice = lattice;
    this.api = api;
  }

  /**
   * An llm step {@code chat} of the scripted model continuing the session named by the payload's
   * {@code user}, with the system prompt "Be brief.", {@code prompt}, and {@code memory} (JSON,
   * null for none).
   */
  public static ObjectNode step(String prompt, String memory) throws IOException {
    ObjectNode step = LatticeJson.mapper().createObjectNode().put("id", "chat");
    step.put("capability", "llm");
    ObjectNode input =
        step.putObject("input")
            .put("model", "scripted-model")
            .put("session", "${payload.user}")
            .put("system", "Be brief.")
            .put("prompt", prompt);
    if (memory != null) {
      input.set("memory", LatticeJson.mapper().readTree(memory));
    }
    return step;
  }

  /** Runs {@link #step} of {@code tenant} for the session {@code session}; the run once ended. */
  public JsonNode run(String tenant, String session, String prompt, String memory)
      throws IOException, InterruptedException {
    return run(tenant, session, step(prompt, memory));
  }

  /** Runs {@code step} of {@code tenant} for the session {@code session}; the run once ended. */
  public JsonNode run(String tenant, String session, ObjectNode step)
      throws IOException, InterruptedException {
    ObjectNode request = LatticeJson.mapper().createObjectNode().put("tenant", tenant);
    request.putObject("payload").put("user", session);
    request.putObject("plan").putArray("steps").add(step);
    return run(request);
  }

  /** Runs {@code request} ({@code POST /api/v1/execute}); the run once ended. */
  public JsonNode run(ObjectNode request) throws IOException, InterruptedException {
    HttpResponse<String> accepted =
        http.send(
            HttpRequest.newBuilder(URI.create(api + "/api/v1/execute"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    String runId = LatticeJson.mapper().readTree(accepted.body()).get("runId").asText();
    Await.result(lattice.client().awaitTerminal(RunId.of(runId)));
    return get("/api/v1/runs/" + runId, 200);
  }

  /** {@code GET /api/v1/sessions/NAME?tenant=TENANT}, which must answer {@code status}. */
  public JsonNode session(String tenant, String name, int status)
      throws IOException, InterruptedException {
    return get("/api/v1/sessions/" + name + "?tenant=" + tenant.replace(" ", "%20"), status);
  }

  /** {@code GET path}, which must answer {@code status}; its body. */
  public JsonNode get(String path, int status) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(api + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(status);
    return LatticeJson.mapper().readTree(response.body());
  }

  /** {@code DELETE /api/v1/sessions/NAME?tenant=TENANT}; its status. */
  public int delete(String tenant, String name) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(
                    URI.create(api + "/api/v1/sessions/" + name + "?tenant=" + tenant))
                .header("Content-Type", "application/json")
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  /** The messages a model request sent, each as {@code role: content}. */
  public static List<String> conversation(RecordedRequest request) {
    List<String> messages = new ArrayList<>();
    request
        .body()
        .path("messages")
        .forEach(m -> messages.add(m.path("role").asText() + ": " + m.path("content").asText()));
    return messages;
  }

  /** The messages a session holds, each as {@code seq role: content}. */
  public static List<String> messages(JsonNode session) {
    List<String> messages = new ArrayList<>();
    session
        .path("messages")
        .forEach(
            m ->
                messages.add(
                    m.path("seq").asLong()
                        + " "
                        + m.path("role").asText()
                        + ": "
                        + m.path("content").asText()));
    return messages;
  }
}
