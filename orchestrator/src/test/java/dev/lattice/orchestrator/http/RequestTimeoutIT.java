package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.RawHttp;
import dev.lattice.protocol.json.LatticeJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request that outlasts the server's request timeout (1 ms here) is answered with a problem, like
 * every other error, not with pekko-http's plain text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestTimeoutIT {
  private Lattice lattice;
  private int port;

  @BeforeAll
  void start(@TempDir Path data) {
    lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(ConfigFactory.parseString("pekko.http.server.request-timeout = 1ms"))
            .start();
    HttpSettings settings =
        HttpSettings.create(lattice.system().settings().config()).withAddress("127.0.0.1", 0);
    port = HttpApi.start(lattice, settings).address().getPort();
  }

  @AfterAll
  void stop() {
    lattice.close();
  }

  @Test
  void aRequestPastTheRequestTimeoutIsAnUnavailableProblem() throws IOException {
    // Starting a run waits for its first event to be written, far longer than a millisecond; the
    // server checks its timeouts on its scheduler's ticks, so one of several is enough (here, 19
    // of 20 time out).
    String body = "{\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\"}]}}";
    String request =
        "POST /api/v1/execute HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length()
            + "\r\nConnection: close\r\n\r\n"
            + body;
    int timedOut = 0;
    for (int i = 0; i < 20; i++) {
      RawHttp.Response answer = RawHttp.exchange(port, request.getBytes(StandardCharsets.US_ASCII));
      if (answer.status() == 503) {
        timedOut++;
        assertThat(answer.header("Content-Type")).contains("application/problem+json");
        // lattice.http.retry-after.unavailable, 1s by default.
        assertThat(answer.header("Retry-After")).contains("1");
        JsonNode problem = LatticeJson.mapper().readTree(answer.body());
        assertThat(problem.get("type").asText()).isEqualTo("urn:lattice:problem:unavailable");
        assertThat(problem.get("detail").asText()).contains("request timeout");
      } else {
        assertThat(answer.status()).isEqualTo(202);
      }
    }
    assertThat(timedOut).isPositive();
  }
}
