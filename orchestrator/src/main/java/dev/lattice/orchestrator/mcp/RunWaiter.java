package dev.lattice.orchestrator.mcp;

import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunEventType;
import dev.lattice.protocol.run.RunView;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Waits, within a bound, for a run to need nothing more from the server: finished, or waiting for
 * the client's input. It follows the run's events (pushed as they are persisted, no polling) and
 * reads the run's state again when one may have changed that.
 */
final class RunWaiter {
  /** The events after which a run may have finished or started to wait for a signal. */
  private static final Set<String> WAKING =
      Set.of(
          RunEventType.STEP_WAITING,
          RunEventType.RUN_COMPLETED,
          RunEventType.RUN_FAILED,
          RunEventType.RUN_CANCELLED);

  private final LatticeClient client;
  private final ActorSystem<?> system;
  private final Executor executor;

  RunWaiter(LatticeClient client, ActorSystem<?> system) {
    this.client = client;
    this.system = system;
    this.executor = system.executionContext();
  }

  /**
   * The state of {@code run} once it is no longer working, or as it is when {@code wait} has
   * passed.
   */
  CompletionStage<RunView> settle(RunView run, Duration wait) {
    return settle(run, System.nanoTime() + wait.toNanos());
  }

  private CompletionStage<RunView> settle(RunView run, long deadline) {
    long left = deadline - System.nanoTime();
    if (TaskStatus.of(run) != TaskStatus.WORKING || left <= 0) {
      return CompletableFuture.completedFuture(run);
    }
    RunId id = RunId.of(run.runId());
    // From the event after the state read: nothing between the two is missed.
    CompletionStage<Optional<RunEvent>> woken =
        client
            .events(id, run.lastSeq() + 1)
            .takeWithin(Duration.ofNanos(left))
            .filter(event -> WAKING.contains(event.type()))
            .runWith(Sink.headOption(), system);
    return woken.thenComposeAsync(
        event ->
            client
                .run(id)
                .thenComposeAsync(
                    next ->
                        event.isPresent()
                            ? settle(next, deadline)
                            : CompletableFuture.completedFuture(next),
                    executor),
        executor);
  }
}
