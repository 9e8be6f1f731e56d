package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.plan.Budget;

/**
 * A request to run one agent as a durable one-step run ({@code POST /api/v1/agents/{agent}/invoke},
 * {@code lattice agent exec}). At least one of {@code task} and {@code input} is given.
 *
 * @param tenant the tenant; {@code default} when absent
 * @param task what to do, in words: the prompt of a model capability, else {@code input.task}
 * @param input the step's input, a JSON object; {@code task} is added to it
 * @param capability which of the agent's capabilities to use, when an agent serving several is
 *     named; a capability named in the path needs none
 * @param model the model, for a capability with several
 * @param budget limits for each attempt
 * @param stream true: answer with the run's events as they happen instead of its result
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvokeRequest(
    TenantId tenant,
    String task,
    JsonNode input,
    String capability,
    String model,
    Budget budget,
    Boolean stream) {

  public InvokeRequest {
    tenant = tenant == null ? TenantId.DEFAULT : tenant;
  }

  /** This request for {@code value}'s tenant. */
  public InvokeRequest withTenant(TenantId value) {
    return new InvokeRequest(value, task, input, capability, model, budget, stream);
  }

  /** This request, streamed or not. */
  public InvokeRequest withStream(boolean value) {
    return new InvokeRequest(tenant, task, input, capability, model, budget, value);
  }

  /** Whether the caller asked for the run's events rather than its result. */
  public boolean streamed() {
    return Boolean.TRUE.equals(stream);
  }
}
