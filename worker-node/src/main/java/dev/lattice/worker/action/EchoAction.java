package dev.lattice.worker.action;

import dev.lattice.protocol.agent.ToolEffect;
import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.protocol.json.LatticeJson;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Returns its input as its output. For demos, tests and benchmarks. */
public final class EchoAction implements AgentAction {
  /** As a tool: it takes any object and returns it; repeating it changes nothing. */
  private static final ToolSpec TOOL =
      new ToolSpec(
          "Returns the object it is given, unchanged.",
          LatticeJson.mapper().createObjectNode().put("type", "object"),
          ToolEffect.IDEMPOTENT);

  @Override
  public ToolSpec describe(String capability) {
    return TOOL;
  }

  @Override
  public CompletionStage<ActionResult> execute(ActionRequest request, ActionContext context) {
    return CompletableFuture.completedFuture(ActionResult.of(request.input()));
  }
}
