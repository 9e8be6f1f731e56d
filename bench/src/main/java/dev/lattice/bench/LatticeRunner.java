package dev.lattice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Drives runs through an embedded node from {@code concurrency} submitters. */
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
                    var accepted =
                        client.execute(request).toCompletableFuture().get(60, TimeUnit.SECONDS);
                    RunView view =
                        client
                            .awaitTerminal(accepted.runId())
                            .toCompletableFuture()
                            .get(120, TimeUnit.SECONDS);
                    if (view.status() != RunStatus.COMPLETED) {
                      throw new IllegalStateException(
                          "run " + view.runId() + " ended " + view.status() + ": " + view.cause());
                    }
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
