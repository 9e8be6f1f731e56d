package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.RawHttp;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.run.RunStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a web page the user visits can make the browser send to a loopback node, over real HTTP on
 * loopback: requests naming a host of the page's (DNS rebinding) are refused, state-changing
 * requests that are not JSON (which browsers send cross-site without asking) are refused and change
 * nothing, and CORS is off unless origins are configured.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossSiteRequestsIT {
  private static final String ATTACKER = "rebind.attacker.example";
  private static final String UI_ORIGIN = "https://ui.example";
  private static final String WAIT_FOR_APPROVAL =
      "{\"plan\":{\"steps\":[{\"id\":\"ok\",\"kind\":\"wait\",\"signal\":\"approve\"}]}}";
  private static final Duration SETTLE = Duration.ofSeconds(10);

  private Lattice lattice;

  /** A server with the default settings. */
  private int port;

  /** A second server of the same node, with CORS for {@link #UI_ORIGIN}. */
  private int corsPort;

  @BeforeAll
  void start(@TempDir Path data) {
    lattice = Lattice.builder().dataDirectory(data).start();
    Config config = lattice.system().settings().config();
    port =
        HttpApi.start(lattice, HttpSettings.create(config).withAddress("127.0.0.1", 0))
            .address()
            .getPort();
    Config cors =
        ConfigFactory.parseString("lattice.http.cors.allowed-origins = [\"" + UI_ORIGIN + "\"]")
            .withFallback(config);
    corsPort =
        HttpApi.start(lattice, HttpSettings.create(cors).withAddress("127.0.0.1", 0))
            .address()
            .getPort();
  }

  @AfterAll
  void stop() {
    lattice.close();
  }

  private static Map<String, String> headers(String... namesAndValues) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  private String local(int port) {
    return "127.0.0.1:" + port;
  }

  private RawHttp.Response get(int port, String path, String host) {
    return RawHttp.send(port, "GET", path, headers("Host", host), null);
  }

  private RawHttp.Response post(int port, String path, String contentType, String body) {
    Map<String, String> headers = headers("Host", local(port));
    if (contentType != null) {
      headers.put("Content-Type", contentType);
    }
    return RawHttp.send(port, "POST", path, headers, body);
  }

  private static JsonNode problem(RawHttp.Response response, int status, String slug) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.header("Content-Type")).contains("application/problem+json");
    try {
      JsonNode body = LatticeJson.mapper().readTree(response.body());
      assertThat(body.get("type").asText()).isEqualTo("urn:lattice:problem:" + slug);
      assertThat(body.get("status").asInt()).isEqualTo(status);
      assertThat(body.get("title").asText()).isNotBlank();
      assertThat(body.get("detail").asText()).isNotBlank();
      return body;
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  /** A run waiting for the signal "approve", started through the client. */
  private RunId waitingRun() {
    ExecuteRequest request;
    try {
      request = LatticeJson.mapper().readValue(WAIT_FOR_APPROVAL, ExecuteRequest.class);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    RunId runId = Await.result(lattice.client().execute(request)).runId();
    Await.until(() -> "waiting".equals(stepStatus(runId)), SETTLE);
    return runId;
  }

  private RunStatus status(RunId runId) {
    return Await.result(lattice.client().run(runId)).status();
  }

  private String stepStatus(RunId runId) {
    return LatticeJson.mapper()
        .valueToTree(Await.result(lattice.client().run(runId)).steps().get(0))
        .get("status")
        .asText();
  }

  @Test
  void aRequestNamingAnotherHostIsRefusedBeforeAnyRoute() {
    JsonNode refused = problem(get(port, "/api/v1/runs", ATTACKER), 421, "host-not-allowed");
    assertThat(refused.get("field").asText()).isEqualTo("Host");
    assertThat(refused.get("detail").asText()).contains(ATTACKER);
    problem(get(port, "/api/v1/state", ATTACKER + ":" + port), 421, "host-not-allowed");
    // The right name on another port is another server's name.
    problem(get(port, "/api/v1/state", "localhost:" + (port + 1)), 421, "host-not-allowed");
    problem(get(port, "/api/v1/nothing-here", ATTACKER), 421, "host-not-allowed");

    RunId runId = waitingRun();
    RawHttp.Response cancel =
        RawHttp.send(
            port,
            "POST",
            "/api/v1/runs/" + runId.value() + "/cancel",
            headers("Host", ATTACKER + ":" + port, "Content-Type", "application/json"),
            "");
    problem(cancel, 421, "host-not-allowed");
    assertThat(status(runId)).isEqualTo(RunStatus.RUNNING);
  }

  @Test
  void theNodesOwnNamesAreServedOnItsPort() throws Exception {
    for (String host : new String[] {local(port), "localhost:" + port, "[::1]:" + port}) {
      assertThat(get(port, "/api/v1/runs", host).status()).as(host).isEqualTo(200);
    }
    // What the CLI and every other client send: the Host of the URL the node printed.
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + local(port) + "/api/v1/state"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void probesAnswerWhateverHostTheyName() {
    // Kubernetes probes name the pod's IP, which no allow-list of names has.
    assertThat(get(port, "/health", "10.1.2.3:" + port).status()).isEqualTo(200);
    assertThat(get(port, "/ready", "10.1.2.3:" + port).status()).isNotEqualTo(421);
  }

  @Test
  void aBodilessTextPlainCancelIsRefusedAndTheRunGoesOn() {
    RunId runId = waitingRun();
    String cancel = "/api/v1/runs/" + runId.value() + "/cancel";
    JsonNode refused = problem(post(port, cancel, "text/plain", ""), 415, "unsupported-media-type");
    assertThat(refused.get("field").asText()).isEqualTo("Content-Type");
    problem(post(port, cancel, null, ""), 415, "unsupported-media-type");
    problem(post(port, cancel, "text/plain", "{}"), 415, "unsupported-media-type");
    assertThat(status(runId)).isEqualTo(RunStatus.RUNNING);

    // An empty body is fine when it says it is JSON.
    assertThat(post(port, cancel, "application/json", "").status()).isEqualTo(200);
    assertThat(status(runId)).isEqualTo(RunStatus.CANCELLED);
  }

  @Test
  void aFormEncodedSignalIsRefusedAndTheStepKeepsWaiting() {
    RunId runId = waitingRun();
    String signal = "/api/v1/runs/" + runId.value() + "/signals/approve";
    problem(
        post(port, signal, "application/x-www-form-urlencoded", ""), 415, "unsupported-media-type");
    problem(
        post(port, signal, "application/x-www-form-urlencoded", "stepId=ok"),
        415,
        "unsupported-media-type");
    problem(
        post(port, signal, "multipart/form-data; boundary=x", "--x--\r\n"),
        415,
        "unsupported-media-type");
    assertThat(stepStatus(runId)).isEqualTo("waiting");

    // Clients that name the charset are JSON clients too.
    assertThat(post(port, signal, "application/json; charset=utf-8", "").status()).isEqualTo(200);
    Await.until(() -> status(runId) == RunStatus.COMPLETED, SETTLE);
  }

  @Test
  void corsIsOffByDefault() {
    RawHttp.Response read =
        RawHttp.send(
            port, "GET", "/api/v1/runs", headers("Host", local(port), "Origin", UI_ORIGIN), null);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.hasHeaderStartingWith("Access-Control-")).isFalse();

    RawHttp.Response preflight = preflight(port, UI_ORIGIN);
    assertThat(preflight.status() / 100).isNotEqualTo(2);
    assertThat(preflight.hasHeaderStartingWith("Access-Control-")).isFalse();
  }

  @Test
  void aConfiguredOriginGetsCorsHeadersAndOthersDoNot() {
    RawHttp.Response preflight = preflight(corsPort, UI_ORIGIN);
    assertThat(preflight.status()).isEqualTo(204);
    assertThat(preflight.header("Access-Control-Allow-Origin")).contains(UI_ORIGIN);
    assertThat(preflight.header("Access-Control-Allow-Methods").orElseThrow()).contains("POST");
    assertThat(preflight.header("Access-Control-Allow-Headers").orElseThrow())
        .contains("Content-Type");

    RawHttp.Response read =
        RawHttp.send(
            corsPort,
            "GET",
            "/api/v1/runs",
            headers("Host", local(corsPort), "Origin", UI_ORIGIN),
            null);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.header("Access-Control-Allow-Origin")).contains(UI_ORIGIN);
    // Errors carry the headers too, so the page can read what went wrong.
    RawHttp.Response missing =
        RawHttp.send(
            corsPort,
            "GET",
            "/api/v1/nothing-here",
            headers("Host", local(corsPort), "Origin", UI_ORIGIN),
            null);
    problem(missing, 404, "not-found");
    assertThat(missing.header("Access-Control-Allow-Origin")).contains(UI_ORIGIN);

    String other = "https://elsewhere.example";
    RawHttp.Response otherPreflight = preflight(corsPort, other);
    assertThat(otherPreflight.status() / 100).isNotEqualTo(2);
    assertThat(otherPreflight.header("Access-Control-Allow-Origin")).isEmpty();
    RawHttp.Response otherRead =
        RawHttp.send(
            corsPort,
            "GET",
            "/api/v1/runs",
            headers("Host", local(corsPort), "Origin", other),
            null);
    assertThat(otherRead.header("Access-Control-Allow-Origin")).isEmpty();
  }

  private RawHttp.Response preflight(int port, String origin) {
    return RawHttp.send(
        port,
        "OPTIONS",
        "/api/v1/execute",
        headers(
            "Host",
            local(port),
            "Origin",
            origin,
            "Access-Control-Request-Method",
            "POST",
            "Access-Control-Request-Headers",
            "content-type"),
        null);
  }
}
