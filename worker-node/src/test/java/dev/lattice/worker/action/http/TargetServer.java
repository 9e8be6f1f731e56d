package dev.lattice.worker.action.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * An HTTP server on loopback for the http action's tests: it records every request and answers by
 * path. {@code /echo} answers JSON naming what it got; {@code /status/N} answers N with a small
 * body ({@code Retry-After: 7} on 429); {@code /big} answers 4000 bytes; {@code /redirect} points
 * at the metadata address; {@code /hang} answers only when the server stops.
 */
final class TargetServer implements AutoCloseable {
  /** One request as it arrived. */
  record Received(
      String method, String path, String query, Map<String, String> headers, String body) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(4);
  private final CountDownLatch stopping = new CountDownLatch(1);
  final List<Received> received = new CopyOnWriteArrayList<>();

  TargetServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /** {@code http://127.0.0.1:PORT}. */
  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> headers =
        exchange.getRequestHeaders().entrySet().stream()
            .collect(
                Collectors.toMap(
                    e -> e.getKey().toLowerCase(java.util.Locale.ROOT),
                    e -> String.join(", ", e.getValue())));
    String path = exchange.getRequestURI().getPath();
    received.add(
        new Received(
            exchange.getRequestMethod(),
            path,
            exchange.getRequestURI().getRawQuery(),
            headers,
            body));
    if (path.equals("/echo")) {
      String json =
          "{\"method\":\""
              + exchange.getRequestMethod()
              + "\",\"authorization\":\""
              + headers.getOrDefault("authorization", "")
              + "\",\"query\":\""
              + exchange.getRequestURI().getRawQuery()
              + "\",\"body\":"
              + quoted(body)
              + "}";
      exchange.getResponseHeaders().add("X-Seen", headers.getOrDefault("authorization", "none"));
      exchange.getResponseHeaders().add("Set-Cookie", "session=target-session");
      answer(exchange, 200, "application/json", json);
    } else if (path.startsWith("/status/")) {
      int status = Integer.parseInt(path.substring("/status/".length()));
      if (status == 429) {
        exchange.getResponseHeaders().add("Retry-After", "7");
      }
      answer(
          exchange,
          status,
          "text/plain",
          "status " + status + " because " + headers.getOrDefault("authorization", "nothing"));
    } else if (path.equals("/big")) {
      answer(exchange, 200, "text/plain", "x".repeat(4000));
    } else if (path.equals("/redirect")) {
      exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
      answer(exchange, 302, "text/plain", "moved");
    } else if (path.equals("/hang")) {
      try {
        stopping.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      answer(exchange, 200, "text/plain", "late");
    } else {
      answer(exchange, 200, "text/plain; charset=utf-8", "plain text");
    }
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void answer(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    stopping.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
