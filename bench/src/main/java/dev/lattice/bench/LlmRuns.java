package dev.lattice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunEventType;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Drives the runs of workload L: each with its followers connected before its held step is let go,
 * timing what they see.
 */
final class LlmRuns {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(60);

  /** What the followers of measured runs saw. */
  static final class Figures {
    private final Map<Integer, Duration> endToEnd = new ConcurrentHashMap<>();
    private final LatencyRecorder deltaLatency = new LatencyRecorder();
    private final AtomicLong deltas = new AtomicLong();

    /**
     * Per run, from the run's decision to dispatch its LLM step (the time of the event of the held
     * step's success, which the run records as it decides) to the step's success at the first
     * follower.
     */
    LatencyRecorder endToEnd() {
      LatencyRecorder recorder = new LatencyRecorder();
      endToEnd.values().forEach(d -> recorder.record(d.toNanos()));
      return recorder;
    }

    /** End to end minus the model server's time for the same run's request. */
    LatencyRecorder overhead(Map<Integer, Duration> serverTimes) {
      LatencyRecorder recorder = new LatencyRecorder();
      endToEnd.forEach(
          (run, e2e) -> {
            Duration server = serverTimes.get(run);
            if (server != null) {
              recorder.record(e2e.minus(server).toNanos());
            }
          });
      return recorder;
    }

    LatencyRecorder deltaLatency() {
      return deltaLatency;
    }

    long deltas() {
      return deltas.get();
    }
  }

  private final LatticeClient client;
  private final HttpClient http;
  private final SseFollower.Api url;
  private final HeldSteps held;
  private final int followers;

  LlmRuns(
      LatticeClient client, HttpClient http, SseFollower.Api url, HeldSteps held, int followers) {
    this.client = client;
    this.http = http;
    this.url = url;
    this.held = held;
    this.followers = followers;
  }

  /**
   * Runs {@code count} runs, numbered from {@code first}, {@code concurrency} at a time, and waits
   * for all of them.
   *
   * @throws IllegalStateException if a run does not complete
   */
  void drive(
      IntFunction<ExecuteRequest> requests, int first, int count, int concurrency, Figures figures)
      throws Exception {
    AtomicInteger next = new AtomicInteger(first);
    int end = first + count;
    ExecutorService submitters = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < concurrency; t++) {
        done.add(
            submitters.submit(
                () -> {
                  for (int n = next.getAndIncrement(); n < end; n = next.getAndIncrement()) {
                    runOne(n, requests.apply(n), figures);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      submitters.shutdownNow();
    }
  }

  private void runOne(int n, ExecuteRequest request, Figures figures) throws Exception {
    RunId runId =
        client
            .execute(request)
            .toCompletableFuture()
            .get(SUBMIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
            .runId();
    Watch watch = new Watch(n, runId, figures);
    List<Flow.Subscription> streams = new ArrayList<>();
    try {
      for (int i = 0; i < followers; i++) {
        streams.add(SseFollower.follow(http, url, runId, watch::seen));
      }
      watch.done.get(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      streams.forEach(Flow.Subscription::cancel);
    }
  }

  /** One run as its followers see it. */
  private final class Watch {
    private final int n;
    private final RunId runId;
    private final Figures figures;
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();
    private final AtomicReference<Instant> dispatched = new AtomicReference<>();
    private final AtomicReference<Instant> succeeded = new AtomicReference<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();

    Watch(int n, RunId runId, Figures figures) {
      this.n = n;
      this.runId = runId;
      this.figures = figures;
    }

    void seen(JsonNode event) {
      Instant now = Instant.now();
      String type = event.path("type").asText();
      String stepId = event.path("stepId").asText();
      boolean llmStep = LlmScript.LLM_STEP.equals(stepId);
      if (DeltaEvents.isDelta(type)) {
        figures.deltas.incrementAndGet();
        DeltaEvents.receivedAt(event)
            .ifPresent(at -> figures.deltaLatency.record(Duration.between(at, now).toNanos()));
      } else if (event.path("seq").asLong() == 1) {
        if (connected.incrementAndGet() == followers) {
          held.release(runId.value());
        }
      } else if (LlmScript.HELD_STEP.equals(stepId) && RunEventType.STEP_SUCCEEDED.equals(type)) {
        // The run dispatches the LLM step as it records this: the event's time is the decision's.
        dispatched.compareAndSet(null, Instant.parse(event.path("timestamp").asText()));
      } else if (llmStep && RunEventType.STEP_SUCCEEDED.equals(type)) {
        if (succeeded.compareAndSet(null, now) && dispatched.get() != null) {
          figures.endToEnd.put(n, Duration.between(dispatched.get(), now));
        }
      } else if (RunEventType.isTerminal(type)) {
        if (!RunEventType.RUN_COMPLETED.equals(type)) {
          done.completeExceptionally(
              new IllegalStateException("run " + runId.value() + " ended " + event));
        } else if (ended.incrementAndGet() == followers) {
          done.complete(null);
        }
      }
    }
  }
}
