package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;

import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.run.RunEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The node of {@link CrashRecoveryIT}, run in its own JVM so the test can kill it with SIGKILL.
 * Prints one line per fact the test checks: {@code FIRST runId events}, {@code FIRST-DONE}, then
 * {@code ACK runId} for every run of the second batch the node acknowledged and {@code DONE runId}
 * once it ended, until it is killed.
 */
public final class CrashDriver {
  static final ExecuteRequest W =
      ExecuteRequest.plan(
          plan(
              "{'steps': [{'id': 'first', 'capability': 'echo'},"
                  + " {'id': 'second', 'capability': 'echo', 'dependsOn': ['first']},"
                  + " {'id': 'third', 'capability': 'echo', 'dependsOn': ['second']}]}"),
          json("{'text': '" + "x".repeat(90) + "'}"));

  private CrashDriver() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    int firstBatch = Integer.parseInt(args[1]);
    int concurrency = Integer.parseInt(args[2]);
    Lattice lattice = Lattice.builder().dataDirectory(data).start();
    LatticeClient client = lattice.client();

    ExecutorService submitters = Executors.newFixedThreadPool(concurrency);
    List<RunAccepted> first =
        submitters
            .invokeAll(
                IntStream.range(0, firstBatch)
                    .<Callable<RunAccepted>>mapToObj(
                        i ->
                            () -> {
                              RunAccepted accepted = client.execute(W).toCompletableFuture().get();
                              client.awaitTerminal(accepted.runId()).toCompletableFuture().get();
                              return accepted;
                            })
                    .toList())
            .stream()
            .map(
                f -> {
                  try {
                    return f.get();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                })
            .toList();
    for (RunAccepted run : first) {
      List<RunEvent> events =
          client
              .events(run.runId(), 1)
              .runWith(Sink.seq(), lattice.system())
              .toCompletableFuture()
              .get();
      System.out.println("FIRST " + run.runId() + " " + digest(events));
    }
    System.out.println("FIRST-DONE");
    System.out.flush();

    for (int i = 0; i < concurrency; i++) {
      submitters.submit(
          () -> {
            while (true) {
              RunAccepted accepted = client.execute(W).toCompletableFuture().get();
              synchronized (System.out) {
                System.out.println("ACK " + accepted.runId());
                System.out.flush();
              }
              client.awaitTerminal(accepted.runId()).toCompletableFuture().get();
              synchronized (System.out) {
                System.out.println("DONE " + accepted.runId());
                System.out.flush();
              }
            }
          });
    }
    submitters.awaitTermination(1, TimeUnit.HOURS);
  }

  /** A compact, comparable form of a run's events. */
  static String digest(List<RunEvent> events) {
    return events.stream()
        .map(e -> e.seq() + ":" + e.type() + ":" + e.stepId() + ":" + e.timestamp())
        .collect(Collectors.joining(","));
  }
}
