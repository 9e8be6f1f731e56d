package dev.lattice.orchestrator.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.LoopbackApi;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code lattice.tracing.otlp.endpoint} set, a node's spans reach that endpoint over OTLP/HTTP
 * (protobuf, sent by the JDK's HTTP client): a collector on loopback receives the run's trace, its
 * run id among the attributes.
 */
class OtlpExportIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** What the collector received: each request's content type and body, as text. */
  private record Received(String contentType, String body) {}

  @TempDir Path data;

  @Test
  void spansReachTheConfiguredCollector() throws Exception {
    List<Received> received = new CopyOnWriteArrayList<>();
    HttpServer collector =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    collector.createContext(
        "/v1/traces",
        exchange -> {
          received.add(
              new Received(
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  new String(
                      exchange.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1)));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    collector.start();
    try (Lattice lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(
                ConfigFactory.parseString(
                    "lattice.tracing.otlp { endpoint = \"http://127.0.0.1:%d/v1/traces\", batch-delay = 100ms }"
                        .formatted(collector.getAddress().getPort())))
            .start()) {
      String api = LoopbackApi.start(lattice);
      HttpRuns http = new HttpRuns();
      String runId =
          http.execute(
              api,
              "{\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\",\"input\":{\"text\":\"hi\"}}]}}",
              "exported");
      http.awaitRun(api, runId, run -> "completed".equals(run.path("status").asText()), TIMEOUT);
      Await.until(
          () -> received.stream().anyMatch(r -> r.body().contains("run plan")),
          TIMEOUT,
          received::toString);
      assertThat(received).allMatch(r -> "application/x-protobuf".equals(r.contentType()));
      assertThat(String.join("", received.stream().map(Received::body).toList()))
          .contains("step echo")
          .contains(runId)
          .contains("lattice");
    } finally {
      collector.stop(0);
    }
  }
}
