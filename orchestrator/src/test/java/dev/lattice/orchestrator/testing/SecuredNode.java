package dev.lattice.orchestrator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.http.HttpApi;
import dev.lattice.orchestrator.http.HttpSettings;
import dev.lattice.orchestrator.http.auth.AdminKeyFile;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.protocol.json.LatticeJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A node with authentication on (as a node without test configuration has it), its API on loopback,
 * and the admin key its first start wrote to its data directory: for the tests of authentication,
 * which call the API as a user's program would, with {@code Authorization: Bearer}.
 */
public final class SecuredNode implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Lattice lattice;
  private final HttpApi.Server server;
  private final String adminKey;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  private SecuredNode(Lattice lattice, HttpApi.Server server, String adminKey) {
    this.lattice = lattice;
    this.server = server;
    this.adminKey = adminKey;
  }

  /** Starts a node in {@code data} with authentication on and {@code config} over it. */
  public static SecuredNode start(Path data, Config config, UnaryOperator<Lattice.Builder> more) {
    Lattice lattice =
        more.apply(
                TestJournal.h2(data)
                    .node()
                    .config(
                        config.withFallback(
                            ConfigFactory.parseString("lattice.http.auth.enabled = on"))))
            .start();
    try {
      HttpApi.Server server =
          HttpApi.start(
              lattice,
              HttpSettings.create(lattice.system().settings().config())
                  .withAddress("127.0.0.1", 0));
      String key =
          AdminKeyFile.read(server.auth().adminKeyFile())
              .orElseThrow(() -> new IllegalStateException("no admin key was written"));
      return new SecuredNode(lattice, server, key);
    } catch (RuntimeException e) {
      lattice.close();
      throw e;
    }
  }

  public static SecuredNode start(Path data, Config config) {
    return start(data, config, builder -> builder);
  }

  public Lattice lattice() {
    return lattice;
  }

  public String url() {
    return server.url();
  }

  public HttpApi.Server server() {
    return server;
  }

  /** The admin key of every tenant the node's first start created. */
  public String adminKey() {
    return adminKey;
  }

  /** A new key of {@code tenant} ({@code *} for every tenant) with {@code roles}, by the admin. */
  public String createKey(String tenant, String... roles) {
    String body =
        "{\"tenant\":\""
            + tenant
            + "\",\"roles\":"
            + LatticeJson.mapper().valueToTree(List.of(roles))
            + ",\"name\":\"test\"}";
    HttpResponse<String> created = send(adminKey, "POST", "/api/v1/keys", body);
    if (created.statusCode() != 201) {
      throw new IllegalStateException("cannot create a key: " + created.body());
    }
    return json(created.body()).get("key").asText();
  }

  /** A request to {@code path} with {@code key} (null: no credentials) and a JSON body or none. */
  public HttpResponse<String> send(String key, String method, String path, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url() + path))
            .timeout(TIMEOUT)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (!method.equals("GET")) {
      request.header("Content-Type", "application/json");
    }
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return send(request.build());
  }

  /** A JSON-RPC message to {@code /mcp} in the MCP session {@code session}, with {@code key}. */
  public HttpResponse<String> sendMcp(String key, String session, String message) {
    return send(
        HttpRequest.newBuilder(URI.create(url() + "/mcp"))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("Mcp-Session-Id", session)
            .header("Authorization", "Bearer " + key)
            .POST(HttpRequest.BodyPublishers.ofString(message))
            .build());
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts a run of {@code requestJson} with {@code key}; its id. */
  public String execute(String key, String requestJson) {
    HttpResponse<String> started = send(key, "POST", "/api/v1/execute", requestJson);
    if (started.statusCode() != 202) {
      throw new IllegalStateException("cannot start a run: " + started.body());
    }
    return json(started.body()).get("runId").asText();
  }

  /** The run's state once it has ended, read with {@code key}. */
  public JsonNode awaitEnded(String key, String runId) {
    JsonNode[] last = new JsonNode[1];
    Await.until(
        () -> {
          last[0] = json(send(key, "GET", "/api/v1/runs/" + runId, null).body());
          String status = last[0].path("status").asText();
          return status.equals("completed")
              || status.equals("failed")
              || status.equals("cancelled");
        },
        TIMEOUT,
        () -> String.valueOf(last[0]));
    return last[0];
  }

  public static JsonNode json(String text) {
    try {
      return LatticeJson.mapper().readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    lattice.close();
  }
}
