package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.DataFiles;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.protocol.json.LatticeJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A secret named in an http step reaches the target and nothing else: through a real node (H2 file
 * journal, HTTP API on loopback) to a real server on loopback that echoes it back in its answers,
 * neither the journal's files, the run's events, its audit trail, the API's answers nor any log
 * line hold it; where the target echoed it, the reference stands instead. Every attempt carries its
 * step's effect key, and a payload cannot redirect a step nor add a header through a template.
 */
class HttpSecretIT {
  private static final String SECRET = "crm-5ecret-value-8d41f0";

  @TempDir Path data;
  @TempDir Path secrets;

  private final List<String> sentAuthorization = new CopyOnWriteArrayList<>();
  private final List<String> sentKeys = new CopyOnWriteArrayList<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final Logger pekko = (Logger) LoggerFactory.getLogger("org.apache.pekko");
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Level rootLevel;
  private Level pekkoLevel;
  private HttpServer target;

  @BeforeEach
  void start() throws IOException {
    rootLevel = root.getLevel();
    pekkoLevel = pekko.getLevel();
    // Everything, pekko-http's debug output included, while the node runs.
    root.setLevel(Level.DEBUG);
    pekko.setLevel(Level.DEBUG);
    logs.start();
    root.addAppender(logs);
    target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    target.createContext("/", this::answer);
    target.start();
  }

  @AfterEach
  void stop() {
    target.stop(0);
    root.detachAppender(logs);
    root.setLevel(rootLevel);
    pekko.setLevel(pekkoLevel);
  }

  /** Echoes what it was sent: {@code /echo} with 200, anything else with 500. */
  private void answer(HttpExchange exchange) throws IOException {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    sentAuthorization.add(authorization);
    sentKeys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String echo =
        LatticeJson.mapper()
            .createObjectNode()
            .put("authorization", authorization)
            .put("query", exchange.getRequestURI().getRawQuery())
            .put("body", body)
            .toString();
    boolean ok = exchange.getRequestURI().getPath().equals("/echo");
    byte[] bytes = echo.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("X-Echo", String.valueOf(authorization));
    exchange.sendResponseHeaders(ok ? 200 : 500, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Test
  void theSecretReachesTheTargetAndNoJournalEventAuditLogNorApiAnswer() throws Exception {
    Files.writeString(secrets.resolve("crm-token"), SECRET + "\n");
    String base = "http://127.0.0.1:" + target.getAddress().getPort();
    List<String> answers = new ArrayList<>();
    try (Lattice lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(
                ConfigFactory.parseString(
                    """
                    lattice.http.allowed-hosts = ["127.0.0.1"]
                    lattice.http.allowed-private-hosts = ["127.0.0.1"]
                    lattice.secrets.directory = "%s"
                    pekko.loglevel = DEBUG
                    """
                        .formatted(secrets)))
            .start()) {
      String api = LoopbackApi.start(lattice);
      String plan =
          """
          {"plan": {"steps": [
            {"id": "call", "capability": "http", "input": {
               "method": "POST", "url": "${payload.base}/echo?key=${secret:crm-token}",
               "headers": {"Authorization": "Bearer ${secret:crm-token}"},
               "body": {"token": "${secret:crm-token}", "customer": "${payload.customer}"}}},
            {"id": "broken", "capability": "http", "dependsOn": ["call"],
             "retry": {"maxAttempts": 2, "initialBackoffMs": 10},
             "input": {"url": "${payload.base}/fail",
                       "headers": {"Authorization": "Bearer ${secret:crm-token}"}}}]},
           "payload": {"base": "%s", "customer": "c-42"}}
          """
              .formatted(base);
      JsonNode run = runToEnd(api, plan, answers);
      // Tricks a payload could play on a templated URL or header: refused in the worker, before
      // anything is sent, and not retried.
      JsonNode tricked =
          runToEnd(
              api,
              oneStep(
                  "{\"url\": \"${payload.url}\", \"headers\": {\"X-Note\": \"${payload.note}\"}}",
                  "{\"url\": \"" + base + "@evil.example/echo\", \"note\": \"n\"}"),
              answers);
      JsonNode smuggled =
          runToEnd(
              api,
              oneStep(
                  "{\"url\": \"${payload.url}\", \"headers\": {\"X-Note\": \"${payload.note}\"}}",
                  "{\"url\": \"" + base + "/echo\", \"note\": \"n\\r\\nAuthorization: Bearer x\"}"),
              answers);
      answers.add(get(api + "/api/v1/runs?limit=10"));
      answers.add(get(api + "/api/v1/state"));
      answers.add(get(api + "/api/v1/agents"));

      assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("failed");
      // The target got the secret on all three requests of the first run, and echoed it back each
      // time; the two tricked runs sent it nothing.
      assertThat(sentAuthorization).hasSize(3).containsOnly("Bearer " + SECRET);
      // Every attempt of a step carries the step's effect key.
      String runId = run.get("runId").asText();
      assertThat(sentKeys).containsExactly(runId + "/call", runId + "/broken", runId + "/broken");
      // Where it was echoed, the output and the error carry the reference.
      assertThat(run.toString())
          .contains("Bearer ${secret:crm-token}")
          .contains("key=${secret:crm-token}")
          .contains("answered 500");
      assertThat(tricked.at("/steps/0/error/errorClass").asText())
          .as(tricked.toString())
          .isEqualTo("policy_denied");
      assertThat(tricked.at("/steps/0/error/message").asText()).contains("evil.example");
      assertThat(smuggled.at("/steps/0/error/errorClass").asText())
          .as(smuggled.toString())
          .isEqualTo("invalid_input");
      assertThat(smuggled.at("/steps/0/error/message").asText()).contains("control character");
      assertThat(smuggled.at("/steps/0/attempts").asInt()).isEqualTo(1);
    }
    assertThat(answers).hasSize(15).noneMatch(answer -> answer.contains(SECRET));
    assertThat(logs.list).isNotEmpty();
    for (ILoggingEvent event : logs.list) {
      assertThat(event.getFormattedMessage()).doesNotContain(SECRET);
      if (event.getThrowableProxy() != null) {
        assertThat(String.valueOf(event.getThrowableProxy().getMessage())).doesNotContain(SECRET);
      }
    }
    // The node is closed: every journal file is written out. They hold the step's output (the
    // echo, so a secret would show) and not the secret.
    String written = DataFiles.allText(data);
    assertThat(written).contains("c-42").doesNotContain(SECRET);
  }

  /**
   * Starts the run {@code body} asks for through the API and waits for its end; its state, events
   * and audit trail, as the API answered them, go to {@code answers}.
   */
  private JsonNode runToEnd(String api, String body, List<String> answers) throws Exception {
    HttpResponse<String> started = post(api + "/api/v1/execute", body);
    answers.add(started.body());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String runId = LatticeJson.mapper().readTree(started.body()).get("runId").asText();
    Await.until(() -> terminal(get(api + "/api/v1/runs/" + runId)), Duration.ofSeconds(30));
    String run = get(api + "/api/v1/runs/" + runId);
    answers.add(run);
    answers.add(get(api + "/api/v1/runs/" + runId + "/events"));
    answers.add(get(api + "/api/v1/runs/" + runId + "/audit"));
    return LatticeJson.mapper().readTree(run);
  }

  /** A request for a run of one http step with {@code input}, and {@code payload}. */
  private static String oneStep(String input, String payload) {
    return "{\"plan\": {\"steps\": [{\"id\": \"only\", \"capability\": \"http\", \"input\": "
        + input
        + "}]}, \"payload\": "
        + payload
        + "}";
  }

  private static boolean terminal(String run) {
    return run.contains("\"status\":\"failed\"") || run.contains("\"status\":\"completed\"");
  }

  private HttpResponse<String> post(String url, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String get(String url) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
