package dev.lattice.orchestrator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.json.LatticeJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * A client of a node's HTTP API as a user's program would be: it starts runs, reads their state and
 * their event streams, and counts every answer that was not a success.
 */
public final class HttpRuns {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http;
  private final AtomicInteger errors = new AtomicInteger();
  private final List<String> errorDetails = Collections.synchronizedList(new ArrayList<>());

  public HttpRuns() {
    this(null);
  }

  /** A client of HTTPS APIs whose certificates {@code tls} trusts (the JDK's default when null). */
  public HttpRuns(SSLContext tls) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (tls != null) {
      builder.sslContext(tls);
    }
    this.http = builder.build();
  }

  /** Answers that were not 2xx, or requests that failed, so far. */
  public int errors() {
    return errors.get();
  }

  public List<String> errorDetails() {
    return List.copyOf(errorDetails);
  }

  /**
   * Starts a run of {@code requestJson} through {@code api} under {@code idempotencyKey} (sending
   * it again with the same key cannot start a second run); its id.
   */
  public String execute(String api, String requestJson, String idempotencyKey)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(api + "/api/v1/execute"))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(requestJson))
                .build());
    return LatticeJson.mapper().readTree(response.body()).get("runId").asText();
  }

  /**
   * POSTs {@code json} to {@code path} of {@code api} and gives the answer as it is, whatever its
   * status (not counted as an error: the caller asserts on it).
   */
  public HttpResponse<String> post(String api, String path, String json)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(api + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The run's state once it satisfies {@code condition}, polled until {@code timeout}; a run that
   * does not exist yet (a child run about to start) is asked again.
   */
  public JsonNode awaitRun(
      String api, String runId, Predicate<JsonNode> condition, Duration timeout) {
    JsonNode[] last = new JsonNode[1];
    Await.until(
        () -> {
          try {
            last[0] = get(api + "/api/v1/runs/" + runId);
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
          return condition.test(last[0]);
        },
        timeout,
        () -> String.valueOf(last[0]));
    return last[0];
  }

  /** The run's state as {@code api} answers it. */
  public JsonNode run(String api, String runId) throws IOException, InterruptedException {
    return get(api + "/api/v1/runs/" + runId);
  }

  /** The first page of the node's runs, newest first, as {@code api} answers it. */
  public JsonNode list(String api) throws IOException, InterruptedException {
    return get(api + "/api/v1/runs");
  }

  /** What {@code api} answers to a GET of {@code path} (and its query), as JSON. */
  public JsonNode get(String api, String path) throws IOException, InterruptedException {
    return get(api + path);
  }

  /** The node's state (and its cluster's) as {@code api} answers it. */
  public JsonNode state(String api) throws IOException, InterruptedException {
    return get(api + "/api/v1/state");
  }

  /** The JSON answer of a GET of {@code url}. */
  public JsonNode get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET().build());
    return LatticeJson.mapper().readTree(response.body());
  }

  /** The run's events from seq 1 until its terminal event, read as NDJSON from {@code api}. */
  public List<JsonNode> events(String api, String runId) throws IOException, InterruptedException {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(api + "/api/v1/runs/" + runId + "/events"))
                .timeout(Duration.ofMinutes(2))
                .GET()
                .build());
    List<JsonNode> events = new ArrayList<>();
    for (String line : response.body().split("\n")) {
      if (!line.isBlank()) {
        events.add(LatticeJson.mapper().readTree(line));
      }
    }
    return events;
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        errors.incrementAndGet();
        errorDetails.add(request.uri() + " -> " + response.statusCode() + " " + response.body());
        throw new IOException(
            request.uri() + " answered " + response.statusCode() + ": " + response.body());
      }
      return response;
    } catch (IOException e) {
      if (!e.getMessage().contains(" answered ")) {
        errors.incrementAndGet();
        errorDetails.add(request.uri() + " -> " + e);
      }
      throw e;
    }
  }
}
