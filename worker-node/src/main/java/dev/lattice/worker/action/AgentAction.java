package dev.lattice.worker.action;

import dev.lattice.protocol.agent.ToolSpec;
import java.util.concurrent.CompletionStage;

/**
 * The SPI for agents: what a worker agent runs for each assignment. Implement it for an LLM call,
 * an HTTP call, a build, or any code of the embedding application, and register it with the {@code
 * Lattice} builder under a capability.
 *
 * <p>The agent calls it off its actor thread, on the action executor, with the assignment's
 * resolved input. Complete the stage with an {@link ActionResult}, or exceptionally with an {@link
 * ActionException} naming the canonical error class; any other exception counts as {@code
 * agent_error}. The agent enforces the assignment's TTL and budget on what it gets back.
 *
 * <p>Execution is at least once: after a crash an attempt may run again with the same idempotency
 * key. Make side effects idempotent on {@link ActionRequest#idempotencyKey()}.
 */
@FunctionalInterface
public interface AgentAction {
  CompletionStage<ActionResult> execute(ActionRequest request, ActionContext context);

  /**
   * How {@code capability}, served by this action, is offered to a model as a tool; null when it
   * cannot be one. Configuration ({@code lattice.worker.tools}) takes precedence over it.
   */
  default ToolSpec describe(String capability) {
    return null;
  }
}
