package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.RecordedRequest;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.RateLimits;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.modelserver.script.Usage;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.protocol.ids.RunId;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider's rate limit kept to before dispatch, through a real node, its HTTP API and the real
 * llm client against the scripted model server, which refuses with 429 whatever goes over its
 * limit: 200 queued steps against 60 requests per window reach the server without a single 429, at
 * no more than the limit over any sliding window and close to it, while the queue shows in {@code
 * GET /api/v1/state} that its steps wait for the provider's limit. A provider that allows less than
 * configured is kept to from its first answer's rate-limit headers on.
 *
 * <p>Both sides count over a window of 10 seconds instead of a minute, which the setting {@code
 * window} allows and the scripted server's {@code windowMs} matches: the same limiter, six times
 * faster.
 */
class ProviderRateLimitIT {
  private static final int STEPS = 200;
  private static final int LIMIT = 60;
  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static final String REASON =
      "rate_limited: provider local model scripted-model (60 requests per 10000 ms)";

  @TempDir Path data;
  ScriptedModelServer models;
  Lattice lattice;
  String api;
  private final HttpRuns http = new HttpRuns();

  /**
   * Starts the scripted server with {@code limits} and a node whose provider {@code local} has
   * {@code providerLimits} and whose dispatchers are set up by {@code dispatch}.
   */
  private void start(int steps, RateLimits limits, String providerLimits, String dispatch) {
    models =
        ScriptedModelServer.start(
            Script.of(ScriptEntry.text("done").times(steps).usage(Usage.of(12, 3)))
                .withModels("scripted-model")
                .withRateLimits(limits));
    lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(
                ConfigFactory.parseString(
                    """
                    lattice.llm.providers.local {
                      base-url = "%s/v1", models = ["scripted-model"]
                      limits { %s }
                    }
                    lattice.worker.agents = [{
                      id = llm, action = llm, capabilities = [llm],
                      models = ["scripted-model"], max-concurrent = 32, priority = 0
                    }]
                    lattice.dispatch.rate-limits { %s }
                    """
                        .formatted(models.baseUrl(), providerLimits, dispatch)))
            .start();
    api = LoopbackApi.start(lattice);
  }

  @AfterEach
  void stop() {
    if (lattice != null) {
      lattice.close();
    }
    if (models != null) {
      models.close();
    }
  }

  @Test
  void queuedStepsWaitForTheProvidersLimitInsteadOfCollecting429s() throws Exception {
    start(
        STEPS,
        RateLimits.requestsPerMinute(LIMIT).per(WINDOW),
        "requests-per-minute = %d, window = %ds".formatted(LIMIT, WINDOW.toSeconds()),
        "");

    List<String> runs = submit(STEPS);

    AtomicReference<JsonNode> waitingQueue = new AtomicReference<>();
    Await.until(() -> waitingQueue(REASON, waitingQueue), Duration.ofSeconds(30));
    assertThat(waitingQueue.get().get("waiting").get(REASON).asInt()).isPositive();

    allSucceedAtTheFirstAttempt(runs);
    List<Instant> arrivals = models.requests().stream().map(RecordedRequest::time).toList();
    // Each request answered, none refused with a 429 (a refusal is recorded but never answered).
    assertThat(arrivals).hasSize(STEPS);
    assertThat(models.answers()).hasSize(STEPS);
    int busiest = busiestWindow(arrivals);
    assertThat(busiest).isLessThanOrEqualTo(LIMIT).isGreaterThanOrEqualTo(LIMIT * 5 / 6);
    // At the limit, 200 requests take three windows and a bit; close to the limit means not much
    // more (each window also waits the limiter's margin of a second).
    Duration span = Duration.between(arrivals.get(0), arrivals.get(arrivals.size() - 1));
    assertThat(span)
        .isGreaterThanOrEqualTo(WINDOW.multipliedBy(3))
        .isLessThan(WINDOW.multipliedBy(5));
    assertThat(http.state(api).toString()).doesNotContain("rate_limited");
  }

  @Test
  void aLowerLimitTheProviderReportsIsKeptToFromItsFirstAnswer() throws Exception {
    // The provider allows 10 requests per 4 seconds, though configured for 200: asked one attempt
    // at a time, the limiter has the first answer's headers before it grants the second.
    int steps = 25;
    Duration window = Duration.ofSeconds(4);
    start(
        steps,
        RateLimits.requestsPerMinute(10).per(window),
        "requests-per-minute = 200, window = %ds".formatted(window.toSeconds()),
        "max-asks = 1");

    List<String> runs = submit(steps);

    String lowered = "rate_limited: provider local model scripted-model (10 requests per 4000 ms)";
    Await.until(() -> waitingQueue(lowered, new AtomicReference<>()), Duration.ofSeconds(30));
    allSucceedAtTheFirstAttempt(runs);
    assertThat(models.requests()).hasSize(steps);
    assertThat(models.answers()).hasSize(steps);
  }

  /** Runs {@code count} single-step runs of one llm call each through the HTTP API; their ids. */
  private List<String> submit(int count) throws Exception {
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      runs.add(
          http.execute(
              api,
              "{\"plan\": {\"steps\": [{\"id\": \"ask\", \"capability\": \"llm\","
                  + " \"retry\": {\"maxAttempts\": 1},"
                  + " \"input\": {\"model\": \"scripted-model\", \"prompt\": \"question "
                  + i
                  + "\", \"maxTokens\": 16}}]}}",
              UUID.randomUUID().toString()));
    }
    return runs;
  }

  /** Every run of {@code runs} ends with its step succeeded at its first attempt: no 429 came. */
  private void allSucceedAtTheFirstAttempt(List<String> runs) throws Exception {
    for (String runId : runs) {
      Await.result(lattice.client().awaitTerminal(RunId.of(runId)), Duration.ofMinutes(2));
    }
    for (String runId : runs) {
      JsonNode step = http.run(api, runId).get("steps").get(0);
      assertThat(step.get("status").asText()).as(runId).isEqualTo("succeeded");
      assertThat(step.get("attempts").asInt()).as(runId).isEqualTo(1);
    }
  }

  /** Whether a queue of the node's state shows steps waiting for {@code reason}. */
  private boolean waitingQueue(String reason, AtomicReference<JsonNode> found) {
    try {
      for (JsonNode queue : http.state(api).path("queues")) {
        if (queue.path("waiting").has(reason)) {
          found.set(queue);
          return true;
        }
      }
      return false;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The most requests that arrived within any window, sliding from one arrival to the next. */
  private static int busiestWindow(List<Instant> arrivals) {
    List<Instant> sorted = arrivals.stream().sorted().toList();
    int most = 0;
    int from = 0;
    for (int to = 0; to < sorted.size(); to++) {
      while (!sorted.get(from).isAfter(sorted.get(to).minus(WINDOW))) {
        from++;
      }
      most = Math.max(most, to - from + 1);
    }
    return most;
  }
}
