package dev.lattice.worker.action;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.AllowList;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.plan.Budget;
import java.time.Instant;
import java.util.List;

/**
 * One attempt as an action sees it.
 *
 * @param runId the run
 * @param stepId the step
 * @param attempt the attempt number, from 1
 * @param idempotencyKey {@code runId/stepId/attempt}: the key to make side effects idempotent on
 * @param tenant the run's tenant
 * @param capability the capability the attempt was dispatched for (an action serving several, such
 *     as {@code llm} with one model profile per capability, tells them apart by it)
 * @param model the model asked for, if any
 * @param budget the limits the result must stay within
 * @param deadline when the attempt's TTL runs out
 * @param input the resolved input
 * @param tools the tool allow-lists that apply (see {@link ActionContext#useTool})
 */
public record ActionRequest(
    String runId,
    String stepId,
    int attempt,
    String idempotencyKey,
    String tenant,
    String capability,
    String model,
    Budget budget,
    Instant deadline,
    JsonNode input,
    List<AllowList> tools) {

  public ActionRequest {
    tools = tools == null ? List.of() : List.copyOf(tools);
  }

  /**
   * The effect key of this step, {@code runId/stepId}: the same for every attempt, so a target that
   * deduplicates by it applies the step's effect once. A tool call's step id names its call, so its
   * key is {@code runId/stepId/call}. Sent as {@code Idempotency-Key} by {@code http}.
   */
  public String effectKey() {
    return runId + "/" + stepId;
  }

  /** The request for one attempt of {@code assignment} that must finish by {@code deadline}. */
  public static ActionRequest of(Assignment assignment, Instant deadline) {
    return new ActionRequest(
        assignment.runId().value(),
        assignment.stepId(),
        assignment.attempt(),
        assignment.idempotencyKey(),
        assignment.tenant().value(),
        assignment.capability(),
        assignment.model(),
        assignment.budget(),
        deadline,
        assignment.input(),
        assignment.tools());
  }
}
