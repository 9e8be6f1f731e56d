package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.SecuredNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one principal may take of a node: its request rate (429 rate-limited past it, while another
 * key goes on), and the event streams it may hold open: past the limit a 429 with {@code
 * Retry-After}; a stream whose client went away (noticed at its next heartbeat) or whose run ended
 * gives its place back; another principal is not held back.
 */
class EventStreamLimitIT {
  @TempDir Path data;

  @Test
  void aPrincipalPastItsStreamsIsRefusedUntilOneEnds() throws Exception {
    try (SecuredNode node =
        SecuredNode.start(
            data,
            ConfigFactory.parseString(
                "lattice.http.auth { max-streams-per-principal = 2, streams-retry-after = 3s }\n"
                    + "lattice.http.sse-heartbeat = 200ms"))) {
      String viewer = node.createKey("acme", "viewer");
      String other = node.createKey("acme", "viewer");
      String admin = node.createKey("acme", "admin");
      String run =
          node.execute(
              admin, "{\"plan\":{\"steps\":[{\"id\":\"w\",\"kind\":\"wait\",\"signal\":\"go\"}]}}");
      HttpClient http = HttpClient.newHttpClient();
      List<InputStream> open = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        HttpResponse<InputStream> stream = follow(http, node, viewer, run);
        assertThat(stream.statusCode()).isEqualTo(200);
        open.add(stream.body());
      }
      HttpResponse<String> refused =
          node.send(viewer, "GET", "/api/v1/runs/" + run + "/events", null);
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).contains("3");
      assertThat(refused.body()).contains("too-many-streams");
      assertThat(follow(http, node, other, run).statusCode()).isEqualTo(200);

      // A client that goes away gives its place back.
      open.get(0).close();
      Await.until(
          () -> {
            HttpResponse<InputStream> again = follow(http, node, viewer, run);
            try (InputStream body = again.body()) {
              return again.statusCode() == 200;
            } catch (Exception e) {
              return false;
            }
          },
          Duration.ofSeconds(10));
      // A run that ends ends its streams, and their places are free again.
      assertThat(node.send(admin, "POST", "/api/v1/runs/" + run + "/signals/go", "{}").statusCode())
          .isEqualTo(200);
      open.get(1).close();
      String next =
          node.execute(
              admin, "{\"plan\":{\"steps\":[{\"id\":\"w\",\"kind\":\"wait\",\"signal\":\"go\"}]}}");
      Await.until(
          () -> {
            HttpResponse<InputStream> first = follow(http, node, viewer, next);
            HttpResponse<InputStream> second = follow(http, node, viewer, next);
            close(first);
            close(second);
            return first.statusCode() == 200 && second.statusCode() == 200;
          },
          Duration.ofSeconds(10));
    }
  }

  @Test
  void aKeyOverItsRequestRateIsRefusedAndAnotherKeyIsNot() {
    try (SecuredNode node =
        SecuredNode.start(
            data,
            ConfigFactory.parseString(
                "lattice.http.rate-limits.per-key { per-second = 1, burst = 3 }"))) {
      String viewer = node.createKey("acme", "viewer");
      String other = node.createKey("acme", "viewer");
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        statuses.add(node.send(viewer, "GET", "/api/v1/runs", null).statusCode());
      }
      assertThat(statuses).startsWith(200, 200, 200).contains(429);
      HttpResponse<String> limited = node.send(viewer, "GET", "/api/v1/runs", null);
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After")).isPresent();
      assertThat(limited.body()).contains("rate-limited");
      assertThat(node.send(other, "GET", "/api/v1/runs", null).statusCode()).isEqualTo(200);
      // Refused credentials are refused before they count against anything.
      assertThat(node.send("lt_" + "x".repeat(43), "GET", "/api/v1/runs", null).statusCode())
          .isEqualTo(401);
    }
  }

  private static void close(HttpResponse<InputStream> response) {
    try {
      response.body().close();
    } catch (Exception e) {
      // Gone already.
    }
  }

  private static HttpResponse<InputStream> follow(
      HttpClient http, SecuredNode node, String key, String run) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(node.url() + "/api/v1/runs/" + run + "/events"))
              .header("Authorization", "Bearer " + key)
              // Server-Sent Events, whose heartbeats find out when a client has gone away.
              .header("Accept", "text/event-stream")
              .build(),
          HttpResponse.BodyHandlers.ofInputStream());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
