package dev.lattice.orchestrator.mcp;

import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunView;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.Patterns;

/**
 * Waits, within a bound, for a run to need nothing more from the server: finished, or waiting for
 * the client's input. It reads the run's state at intervals without holding a thread.
 */
final class RunWaiter {
  private final LatticeClient client;
  private final ActorSystem<?> system;
  private final Duration interval;

  RunWaiter(LatticeClient client, ActorSystem<?> system, Duration interval) {
    this.client = client;
    this.system = system;
    this.interval = interval;
  }

  /**
   * The state of {@code run} once it is no longer working, or as it is when {@code wait} has
   * passed.
   */
  CompletionStage<RunView> settle(RunView run, Duration wait) {
    return settle(run, System.nanoTime() + wait.toNanos());
  }

  private CompletionStage<RunView> settle(RunView run, long deadline) {
    if (TaskStatus.of(run) != TaskStatus.WORKING || System.nanoTime() >= deadline) {
      return CompletableFuture.completedFuture(run);
    }
    RunId id = RunId.of(run.runId());
    return Patterns.after(
            interval,
            system.classicSystem().scheduler(),
            system.executionContext(),
            () -> client.run(id))
        .thenComposeAsync(next -> settle(next, deadline), system.executionContext());
  }
}
