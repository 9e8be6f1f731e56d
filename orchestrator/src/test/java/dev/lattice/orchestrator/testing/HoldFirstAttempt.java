package dev.lattice.orchestrator.testing;

import dev.lattice.protocol.ids.AgentId;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A test agent action that holds every first attempt (its result never comes, without holding a
 * thread) and returns the input of any later attempt at once. It tells which agent took the first
 * attempt, so that a test can take that agent away mid-step.
 */
public final class HoldFirstAttempt implements AgentAction {
  private final CompletableFuture<AgentId> firstTakenBy = new CompletableFuture<>();

  @Override
  public CompletionStage<ActionResult> execute(ActionRequest request, ActionContext context) {
    if (request.attempt() == 1) {
      firstTakenBy.complete(context.agentId());
      return new CompletableFuture<>();
    }
    return CompletableFuture.completedFuture(ActionResult.of(request.input()));
  }

  /** The agent that took a first attempt, once one did. */
  public CompletionStage<AgentId> firstTakenBy() {
    return firstTakenBy;
  }
}
