package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.RawHttp;
import dev.lattice.protocol.json.LatticeJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests that pekko-http refuses before any route sees them, sent over a raw socket on loopback
 * (an HTTP client library would not send them): each is answered as {@code
 * application/problem+json} with a stable type, not as pekko-http's plain text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParsingProblemsIT {
  /** How long a response may take before the test gives up on it. */
  private static final Duration ANSWER = Duration.ofSeconds(20);

  private Lattice lattice;
  private InetSocketAddress address;

  @BeforeAll
  void start(@TempDir Path data) {
    lattice = Lattice.builder().dataDirectory(data).start();
    HttpSettings settings =
        HttpSettings.create(lattice.system().settings().config()).withAddress("127.0.0.1", 0);
    address = HttpApi.start(lattice, settings).address();
  }

  @AfterAll
  void stop() {
    lattice.close();
  }

  /** Asserts that {@code answer} is a problem of {@code slug} and returns it. */
  private static JsonNode problem(RawHttp.Response answer, int status, String slug)
      throws IOException {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.header("Content-Type")).contains("application/problem+json");
    JsonNode json = LatticeJson.mapper().readTree(answer.body());
    assertThat(json.get("type").asText()).isEqualTo("urn:lattice:problem:" + slug);
    assertThat(json.get("status").asInt()).isEqualTo(status);
    assertThat(json.get("title").asText()).isNotBlank();
    assertThat(json.get("detail").asText()).isNotBlank();
    return json;
  }

  /** Sends {@code request} as it is and reads the one response to it. */
  private RawHttp.Response send(String request) {
    return RawHttp.exchange(address.getPort(), request.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String get(String target, String... headers) {
    StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\n");
    request.append("Host: 127.0.0.1\r\n");
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    return request.append("Connection: close\r\n\r\n").toString();
  }

  @Test
  void anUnknownMethodIsNotImplemented() throws IOException {
    JsonNode problem =
        problem(
            send("FOO /api/v1/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
            501,
            "not-implemented");

    assertThat(problem.get("detail").asText()).contains("FOO");
  }

  @Test
  void aUriOverTheParsersLimitIsTooLong() throws IOException {
    String target = "/api/v1/runs?tenant=" + "a".repeat(3000);

    problem(send(get(target)), 414, "uri-too-long");
  }

  @Test
  void aHeaderOverTheParsersLimitIsTooLarge() throws IOException {
    problem(send(get("/health", "X-Big: " + "b".repeat(9000))), 431, "headers-too-large");
  }

  @Test
  void tooManyHeadersAreInvalid() throws IOException {
    String[] headers = new String[70];
    for (int i = 0; i < headers.length; i++) {
      headers[i] = "X-H" + i + ": v";
    }

    // pekko-http answers this one with 400, not 431.
    JsonNode problem = problem(send(get("/health", headers)), 400, "invalid-request");

    assertThat(problem.get("detail").asText()).contains("64 headers");
  }

  @Test
  void anHttp11RequestWithoutHostIsInvalid() throws IOException {
    JsonNode problem =
        problem(send("GET /health HTTP/1.1\r\nConnection: close\r\n\r\n"), 400, "invalid-request");

    assertThat(problem.get("field").asText()).isEqualTo("Host");
    // HTTP/1.0 does not require one, but a relative URI needs it all the same.
    assertThat(problem(send("GET /health HTTP/1.0\r\n\r\n"), 400, "invalid-request").get("field"))
        .hasToString("\"Host\"");
  }

  @Test
  void aMalformedRequestLineIsInvalid() throws IOException {
    problem(send("GET /a<b> HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 400, "invalid-request");
    problem(
        send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n"),
        400,
        "invalid-request");
  }

  @Test
  void anUnsupportedHttpVersionIsRefused() throws IOException {
    problem(
        send("GET /health HTTP/1.7\r\nHost: 127.0.0.1\r\n\r\n"), 505, "http-version-not-supported");
  }
}
