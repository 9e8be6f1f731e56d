package dev.lattice.worker.action;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Returns its input as its output. For demos, tests and benchmarks. */
public final class EchoAction implements AgentAction {
  @Override
  public CompletionStage<ActionResult> execute(ActionRequest request, ActionContext context) {
    return CompletableFuture.completedFuture(ActionResult.of(request.input()));
  }
}
