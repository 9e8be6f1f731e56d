package dev.lattice.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** An action whose attempts finish only when the bench releases their run. */
final class HeldSteps implements AgentAction {
  private static final ActionResult RELEASED =
      ActionResult.of(JsonNodeFactory.instance.objectNode().put("released", true));

  private final ConcurrentHashMap<String, CompletableFuture<ActionResult>> held =
      new ConcurrentHashMap<>();

  @Override
  public CompletionStage<ActionResult> execute(ActionRequest request, ActionContext context) {
    return future(request.runId());
  }

  /** Lets the held step of {@code runId} finish (now, or as soon as it starts). */
  void release(String runId) {
    future(runId).complete(RELEASED);
  }

  /** Lets every held step finish. */
  void releaseAll() {
    held.values().forEach(f -> f.complete(RELEASED));
  }

  private CompletableFuture<ActionResult> future(String runId) {
    return held.computeIfAbsent(runId, id -> new CompletableFuture<>());
  }
}
