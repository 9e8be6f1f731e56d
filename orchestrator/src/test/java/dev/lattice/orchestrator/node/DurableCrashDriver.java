package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;

import dev.lattice.orchestrator.node.CrashWorkload.Kind;
import dev.lattice.orchestrator.node.CrashWorkload.Planned;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.ExecutionLog;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.protocol.run.StepView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * The node of {@link DurableCrashIT}, in its own JVM so that the test can kill it with SIGKILL.
 * Starts the {@link CrashWorkload} and prints what the test needs: {@code ACK kind runId} for every
 * run the node acknowledged, {@code SIGNALLED runId} for every first approval of a two-signal run,
 * then {@code READY ...} once every run waits for what it was made to wait for. Then it idles until
 * it is killed.
 */
public final class DurableCrashDriver {
  /** Runs started at once; more would only queue in front of the node's two cores. */
  private static final int BATCH = 25;

  private static final Duration STEP_DEADLINE = Duration.ofSeconds(60);

  private DurableCrashDriver() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    ExecutionLog log = new ExecutionLog(Path.of(args[1]), "first");
    Lattice lattice =
        Lattice.builder()
            .dataDirectory(data)
            .config(CrashWorkload.NODE_CONFIG)
            .action(
                CrashWorkload.CAPABILITY, CrashWorkload.action(log), CrashWorkload.MAX_CONCURRENT)
            .start();
    LatticeClient client = lattice.client();
    Map<String, Kind> started = new ConcurrentHashMap<>();
    List<Planned> runs = CrashWorkload.runs();
    for (int from = 0; from < runs.size(); from += BATCH) {
      List<CompletableFuture<?>> batch = new ArrayList<>();
      for (Planned run : runs.subList(from, Math.min(runs.size(), from + BATCH))) {
        batch.add(
            client
                .execute(run.request())
                .thenCompose(accepted -> acknowledged(client, run.kind(), accepted, started))
                .toCompletableFuture());
      }
      Await.result(CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)), STEP_DEADLINE);
    }
    Map<String, Kind> pending = new ConcurrentHashMap<>(started);
    Await.until(() -> inFlightAsPlanned(client, pending), STEP_DEADLINE);
    print("READY " + started.size());
    // Stay up, runs in flight, until the test kills this JVM.
    new CountDownLatch(1).await();
  }

  private static CompletableFuture<Void> acknowledged(
      LatticeClient client, Kind kind, RunAccepted accepted, Map<String, Kind> started) {
    String runId = accepted.runId().value();
    started.put(runId, kind);
    print("ACK " + kind + " " + runId);
    if (kind != Kind.TWO_SIGNALS) {
      return CompletableFuture.completedFuture(null);
    }
    SignalRequest legal =
        new SignalRequest(
            "legal", json("{'by': 'legal'}"), "crash-test", "approved before the crash");
    return client
        .signal(accepted.runId(), CrashWorkload.SIGNAL, legal)
        .thenAccept(view -> print("SIGNALLED " + runId))
        .toCompletableFuture();
  }

  /**
   * Whether every run reached what it waits for at the kill (removing those that did from {@code
   * pending}): a timer run its timer, a retrying run its first backoff. Signal runs wait from their
   * first event on, and plain runs are wherever they are.
   */
  private static boolean inFlightAsPlanned(LatticeClient client, Map<String, Kind> pending) {
    List<CompletableFuture<Void>> checks = new ArrayList<>();
    pending.forEach(
        (runId, kind) ->
            checks.add(
                client
                    .run(RunId.of(runId))
                    .thenAccept(
                        view -> {
                          if (reached(kind, view)) {
                            pending.remove(runId);
                          }
                        })
                    .toCompletableFuture()));
    Await.result(CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)), STEP_DEADLINE);
    return pending.isEmpty();
  }

  private static boolean reached(Kind kind, RunView view) {
    if (view.status().terminal()) {
      return true;
    }
    return switch (kind) {
      case TIMER -> step(view, "nap").status() != StepStatus.PENDING;
      case RETRY, RETRY_EXHAUSTED -> {
        StepView flaky = step(view, "flaky");
        yield flaky.attempts() > 1 || flaky.status() == StepStatus.RETRY_WAIT;
      }
      default -> true;
    };
  }

  private static StepView step(RunView view, String id) {
    return view.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  private static void print(String line) {
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }
}
