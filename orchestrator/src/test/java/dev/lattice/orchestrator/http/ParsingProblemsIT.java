package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.protocol.json.LatticeJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
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

  /** A response as it came over the wire. */
  private record Answer(int status, Map<String, String> headers, String body) {
    JsonNode problem(int expectedStatus, String slug) throws IOException {
      assertThat(status).as(body).isEqualTo(expectedStatus);
      assertThat(headers.get("content-type")).isEqualTo("application/problem+json");
      JsonNode json = LatticeJson.mapper().readTree(body);
      assertThat(json.get("type").asText()).isEqualTo("urn:lattice:problem:" + slug);
      assertThat(json.get("status").asInt()).isEqualTo(expectedStatus);
      assertThat(json.get("title").asText()).isNotBlank();
      assertThat(json.get("detail").asText()).isNotBlank();
      return json;
    }
  }

  /** Sends {@code request} as it is and reads the one response to it. */
  private Answer send(String request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(address, (int) ANSWER.toMillis());
      socket.setSoTimeout((int) ANSWER.toMillis());
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      String[] lines = head.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (String line : Arrays.copyOfRange(lines, 1, lines.length)) {
        int colon = line.indexOf(':');
        headers.put(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
      return new Answer(status, headers, body);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the connection closed before the response's head ended: " + head);
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1).trim();
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
        send("FOO /api/v1/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .problem(501, "not-implemented");

    assertThat(problem.get("detail").asText()).contains("FOO");
  }

  @Test
  void aUriOverTheParsersLimitIsTooLong() throws IOException {
    String target = "/api/v1/runs?tenant=" + "a".repeat(3000);

    send(get(target)).problem(414, "uri-too-long");
  }

  @Test
  void aHeaderOverTheParsersLimitIsTooLarge() throws IOException {
    send(get("/health", "X-Big: " + "b".repeat(9000))).problem(431, "headers-too-large");
  }

  @Test
  void tooManyHeadersAreInvalid() throws IOException {
    String[] headers = new String[70];
    for (int i = 0; i < headers.length; i++) {
      headers[i] = "X-H" + i + ": v";
    }

    // pekko-http answers this one with 400, not 431.
    JsonNode problem = send(get("/health", headers)).problem(400, "invalid-request");

    assertThat(problem.get("detail").asText()).contains("64 headers");
  }

  @Test
  void anHttp11RequestWithoutHostIsInvalid() throws IOException {
    JsonNode problem =
        send("GET /health HTTP/1.1\r\nConnection: close\r\n\r\n").problem(400, "invalid-request");

    assertThat(problem.get("field").asText()).isEqualTo("Host");
    // HTTP/1.0 does not require one, but a relative URI needs it all the same.
    assertThat(send("GET /health HTTP/1.0\r\n\r\n").problem(400, "invalid-request").get("field"))
        .hasToString("\"Host\"");
  }

  @Test
  void aMalformedRequestLineIsInvalid() throws IOException {
    send("GET /a<b> HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").problem(400, "invalid-request");
    send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n")
        .problem(400, "invalid-request");
  }

  @Test
  void anUnsupportedHttpVersionIsRefused() throws IOException {
    send("GET /health HTTP/1.7\r\nHost: 127.0.0.1\r\n\r\n")
        .problem(505, "http-version-not-supported");
  }
}
