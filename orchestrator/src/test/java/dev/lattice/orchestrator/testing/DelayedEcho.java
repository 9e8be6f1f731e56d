package dev.lattice.orchestrator.testing;

import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A test agent action that returns its input after a delay, without holding a thread. */
public final class DelayedEcho {
  private DelayedEcho() {}

  public static AgentAction after(Duration delay) {
    return (request, context) ->
        CompletableFuture.supplyAsync(
            () -> ActionResult.of(request.input()),
            CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
  }
}
