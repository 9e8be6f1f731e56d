package dev.lattice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Drives runs through a node from {@code concurrency} submitters. */
final class LatticeRunner {
  private LatticeRunner() {}

  /**
   * Submits {@code runs} runs of {@code request}, each submitter waiting for its run to end before
   * it submits the next; records each run's submit-to-end latency. Returns the elapsed seconds.
   *
   * @throws IllegalStateException if a run does not complete
   */
  static double drive(
      LatticeClient client,
      ExecuteRequest request,
      int runs,
      int concurrency,
      LatencyRecorder latencies)
      throws Exception {
    return drive(
        client,
        r -> client.execute(r).thenApply(RunAccepted::runId),
        request,
        runs,
        concurrency,
        latencies);
  }

  /**
   * As {@link #drive(LatticeClient, ExecuteRequest, int, int, LatencyRecorder)}, starting each run
   * through {@code starter} (the embedded client, or the HTTP API).
   */
  static double drive(
      LatticeClient client,
      Function<ExecuteRequest, CompletionStage<RunId>> starter,
      ExecuteRequest request,
      int runs,
      int concurrency,
      LatencyRecorder latencies)
      throws Exception {
    return submitters(
        runs,
        concurrency,
        latencies,
        () -> {
          RunId runId = starter.apply(request).toCompletableFuture().get(60, TimeUnit.SECONDS);
          RunView view =
              client.awaitTerminal(runId).toCompletableFuture().get(120, TimeUnit.SECONDS);
          if (view.status() != RunStatus.COMPLETED) {
            throw new IllegalStateException(
                "run " + view.runId() + " ended " + view.status() + ": " + view.cause());
          }
        });
  }

  /** One run, from its start to its end; fails if it did not complete. */
  interface OneRun {
    void run() throws Exception;
  }

  /**
   * Runs {@code runs} runs from {@code concurrency} submitters, each doing {@code oneRun} again
   * until all are done; records each run's latency. Returns the elapsed seconds.
   */
  static double submitters(int runs, int concurrency, LatencyRecorder latencies, OneRun oneRun)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    ExecutorService submitters = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<?>> done = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < concurrency; t++) {
        done.add(
            submitters.submit(
                () -> {
                  while (next.getAndIncrement() < runs) {
                    long submitted = System.nanoTime();
                    oneRun.run();
                    if (latencies != null) {
                      latencies.record(System.nanoTime() - submitted);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      return (System.nanoTime() - start) / 1e9;
    } finally {
      submitters.shutdownNow();
    }
  }

  static ExecuteRequest request(Workload workload, JsonNode payload) {
    return ExecuteRequest.plan(workload.plan(), payload);
  }
}
