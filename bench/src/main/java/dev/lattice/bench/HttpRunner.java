package dev.lattice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.protocol.json.LatticeJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

/**
 * Drives runs through a node's HTTP API as a client program would: each submitter POSTs {@code
 * /api/v1/execute}, then follows the run's events (NDJSON) until its terminal one, with the API key
 * of one tenant when authentication is on. Measures what the embedded client does not see: HTTP,
 * and with it authentication and the tenant checks of every request.
 */
final class HttpRunner {
  private static final ObjectMapper MAPPER = LatticeJson.mapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final Set<String> TERMINAL =
      Set.of("run.completed", "run.failed", "run.cancelled");

  private HttpRunner() {}

  /**
   * Submits {@code runs} runs of {@code body} to {@code api} from {@code concurrency} submitters,
   * each waiting for its run's end before the next; records each run's submit-to-end latency.
   * Returns the elapsed seconds.
   */
  static double drive(
      HttpClient http,
      SseFollower.Api api,
      byte[] body,
      int runs,
      int concurrency,
      LatencyRecorder latencies)
      throws Exception {
    return LatticeRunner.submitters(
        runs,
        concurrency,
        latencies,
        () -> {
          String runId = execute(http, api, body);
          String last = follow(http, api, runId);
          if (!last.equals("run.completed")) {
            throw new IllegalStateException("run " + runId + " ended with " + last);
          }
        });
  }

  /**
   * Runs {@code runs} runs of {@code body} one at a time, each on {@code first} and {@code second}
   * in turn, recording each's latencies apart: at run granularity, whatever else the machine does
   * weighs on both alike.
   */
  static void alternate(
      HttpClient http,
      SseFollower.Api first,
      SseFollower.Api second,
      byte[] body,
      int runs,
      LatencyRecorder firstLatencies,
      LatencyRecorder secondLatencies)
      throws Exception {
    for (int i = 0; i < runs; i++) {
      boolean odd = i % 2 == 1;
      SseFollower.Api api = odd ? second : first;
      long submitted = System.nanoTime();
      String runId = execute(http, api, body);
      String last = follow(http, api, runId);
      if (!last.equals("run.completed")) {
        throw new IllegalStateException("run " + runId + " ended with " + last);
      }
      (odd ? secondLatencies : firstLatencies).record(System.nanoTime() - submitted);
    }
  }

  /**
   * {@code requests} reads of {@code path} on {@code first} and {@code second} in turn, one at a
   * time, recording each's latencies apart: the cost of one request's authentication and tenant
   * check, and nothing else.
   */
  static void alternateReads(
      HttpClient http,
      SseFollower.Api first,
      SseFollower.Api second,
      String path,
      int requests,
      LatencyRecorder firstLatencies,
      LatencyRecorder secondLatencies)
      throws Exception {
    for (int i = 0; i < requests; i++) {
      boolean odd = i % 2 == 1;
      long sent = System.nanoTime();
      HttpResponse<byte[]> read =
          http.send(
              SseFollower.request(odd ? second : first, path).timeout(TIMEOUT).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (read.statusCode() != 200) {
        throw new IllegalStateException(path + " answered " + read.statusCode());
      }
      (odd ? secondLatencies : firstLatencies).record(System.nanoTime() - sent);
    }
  }

  /** Starts a run of {@code body} on {@code api}; its id. */
  static String execute(HttpClient http, SseFollower.Api api, byte[] body)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> accepted =
        http.send(
            SseFollower.request(api, "/api/v1/execute")
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (accepted.statusCode() != 202) {
      throw new IllegalStateException(
          "execute answered "
              + accepted.statusCode()
              + ": "
              + new String(accepted.body(), StandardCharsets.UTF_8));
    }
    return MAPPER.readTree(accepted.body()).get("runId").asText();
  }

  /** The type of the run's terminal event, read from its event stream. */
  private static String follow(HttpClient http, SseFollower.Api api, String runId)
      throws IOException, InterruptedException {
    HttpResponse<InputStream> events =
        http.send(
            SseFollower.request(api, "/api/v1/runs/" + runId + "/events?deltas=false")
                .timeout(TIMEOUT)
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
      if (events.statusCode() != 200) {
        throw new IllegalStateException("events answered " + events.statusCode());
      }
      String line;
      while ((line = lines.readLine()) != null) {
        JsonNode event = MAPPER.readTree(line);
        String type = event.path("type").asText();
        if (TERMINAL.contains(type)) {
          return type;
        }
      }
    }
    return "no terminal event";
  }

  /** A key of {@code tenant} with the submitter role, created with the admin key of {@code api}. */
  static String submitterKey(HttpClient http, SseFollower.Api api, String tenant)
      throws IOException, InterruptedException {
    HttpResponse<String> created =
        http.send(
            SseFollower.request(api, "/api/v1/keys")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"tenant\":\""
                            + tenant
                            + "\",\"roles\":[\"submitter\"],\"name\":\"bench\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (created.statusCode() != 201) {
      throw new IllegalStateException("cannot create the bench's key: " + created.body());
    }
    return MAPPER.readTree(created.body()).get("key").asText();
  }
}
