package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.TestJournal;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.worker.action.ActionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timers far longer than Pekko's scheduler accepts, over real HTTP on loopback with an H2 file
 * journal: a year-long wait and a retry backoff of months keep their run healthy (it answers, and
 * it can be cancelled), and durations beyond the configured maximum are refused up front.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LongTimersIT {
  private static final long YEAR_MS = Duration.ofDays(365).toMillis();
  private static final Duration PROMPTLY = Duration.ofSeconds(5);
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Lattice lattice;
  private String api;

  @BeforeAll
  void start(@TempDir Path data) {
    lattice =
        TestJournal.h2(data)
            .node()
            .action(
                "flaky",
                (request, context) ->
                    CompletableFuture.failedFuture(
                        new ActionException(ErrorClass.AGENT_ERROR, "down for now")))
            .start();
    HttpSettings settings =
        HttpSettings.create(lattice.system().settings().config()).withAddress("127.0.0.1", 0);
    api = HttpApi.start(lattice, settings).url();
  }

  @AfterAll
  void stop() {
    lattice.close();
  }

  private HttpResponse<String> post(String path, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(api + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private JsonNode get(String path) {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(api + path))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response.body());
  }

  private JsonNode run(String runId) {
    return get("/api/v1/runs/" + runId);
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode json(String text) {
    try {
      return LatticeJson.mapper().readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String execute(String body) {
    HttpResponse<String> response = post("/api/v1/execute", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return json(response.body()).get("runId").asText();
  }

  private String stepStatus(String runId, String stepId) {
    for (JsonNode step : run(runId).get("steps")) {
      if (step.get("id").asText().equals(stepId)) {
        return step.get("status").asText();
      }
    }
    throw new AssertionError("no step " + stepId);
  }

  /** Cancels the run, which must answer at once and end cancelled. */
  private void cancelsPromptly(String runId) {
    long started = System.nanoTime();
    HttpResponse<String> cancel = post("/api/v1/runs/" + runId + "/cancel", "{}");
    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PROMPTLY);
    Await.until(() -> run(runId).get("status").asText().equals("cancelled"), WAIT);
  }

  @Test
  void aYearLongWaitIsAcceptedWaitsAndCanBeCancelled() {
    String runId =
        execute(
            "{\"plan\":{\"steps\":[{\"id\":\"w\",\"kind\":\"wait\",\"durationMs\":"
                + YEAR_MS
                + "}]}}");
    Await.until(() -> stepStatus(runId, "w").equals("waiting"), WAIT);
    JsonNode view = run(runId);
    assertThat(view.get("status").asText()).isEqualTo("running");
    cancelsPromptly(runId);
  }

  @Test
  void aRetryBackoffOfMonthsLeavesTheRunHealthyAfterItsFirstFailure() {
    long months = Duration.ofDays(300).toMillis();
    String runId =
        execute(
            "{\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"flaky\",\"retry\":"
                + "{\"maxAttempts\":3,\"initialBackoffMs\":"
                + months
                + ",\"maxBackoffMs\":"
                + months
                + ",\"jitter\":0.0}}]}}");
    Await.until(() -> stepStatus(runId, "a").equals("retry_wait"), WAIT);
    assertThat(run(runId).get("status").asText()).isEqualTo("running");
    cancelsPromptly(runId);
  }

  @Test
  void durationsBeyondTheMaximumAreRefusedNamingTheFieldAndTheLimit() {
    HttpResponse<String> refused =
        post(
            "/api/v1/execute",
            "{\"tenant\":\"refused\",\"plan\":{\"steps\":[{\"id\":\"w\",\"kind\":\"wait\","
                + "\"durationMs\":"
                + Long.MAX_VALUE
                + "}]}}");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = json(refused.body());
    assertThat(problem.get("type").asText()).isEqualTo("urn:lattice:problem:invalid-plan");
    assertThat(problem.get("field").asText()).isEqualTo("plan.steps[0].durationMs");
    assertThat(problem.get("detail").asText()).contains("31622400000 ms (366 days)");

    HttpResponse<String> deadline =
        post(
            "/api/v1/execute",
            "{\"tenant\":\"refused\",\"plan\":{\"deadlineMs\":31622400001,"
                + "\"steps\":[{\"id\":\"a\",\"capability\":\"flaky\"}]}}");
    assertThat(deadline.statusCode()).isEqualTo(400);
    assertThat(json(deadline.body()).get("field").asText()).isEqualTo("plan.deadlineMs");
    // A refused request changes nothing.
    assertThat(get("/api/v1/runs?tenant=refused").get("runs")).isEmpty();
  }
}
