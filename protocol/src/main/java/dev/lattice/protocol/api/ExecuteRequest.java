package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.PlanSpec;

/**
 * A request to plan or run work: exactly one of {@code intent}, {@code workflow}, {@code plan} or
 * {@code goal}.
 *
 * @param tenant the tenant; {@code default} when absent
 * @param payload the run's input, free-form JSON
 * @param mode the execution mode; {@code auto} when absent
 * @param intent the name of a plan template to instantiate
 * @param workflow the id of a saved workflow definition
 * @param plan an explicit plan
 * @param priority the run's priority: its steps are dispatched before those of lower priority
 *     waiting in the same queue; 0 when absent
 * @param goal what to achieve, in words: a planner model turns it into the plan the run goes on
 *     with (see docs/agents.md)
 * @param replans with a goal: how many times the planner may be asked for a new plan of the
 *     remaining work when a step of its plan fails for good; 0 when absent
 * @param traceparent the W3C {@code traceparent} of the span the run is started under, never read
 *     from a body (the API takes it from the request's {@code traceparent} header); a new trace
 *     when absent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecuteRequest(
    TenantId tenant,
    JsonNode payload,
    ExecutionMode mode,
    String intent,
    String workflow,
    PlanSpec plan,
    Integer priority,
    String goal,
    Integer replans,
    @JsonIgnore String traceparent) {

  /** A request outside any trace (as a JSON body is: the API takes the trace from its header). */
  public ExecuteRequest(
      TenantId tenant,
      JsonNode payload,
      ExecutionMode mode,
      String intent,
      String workflow,
      PlanSpec plan,
      Integer priority,
      String goal,
      Integer replans) {
    this(tenant, payload, mode, intent, workflow, plan, priority, goal, replans, null);
  }

  public ExecuteRequest(
      TenantId tenant,
      JsonNode payload,
      ExecutionMode mode,
      String intent,
      String workflow,
      PlanSpec plan) {
    this(tenant, payload, mode, intent, workflow, plan, null, null, null);
  }

  /** A request of a template, a workflow or a plan, with a priority. */
  public ExecuteRequest(
      TenantId tenant,
      JsonNode payload,
      ExecutionMode mode,
      String intent,
      String workflow,
      PlanSpec plan,
      Integer priority) {
    this(tenant, payload, mode, intent, workflow, plan, priority, null, null);
  }

  public ExecuteRequest {
    tenant = tenant == null ? TenantId.DEFAULT : tenant;
    payload = payload == null ? NullNode.getInstance() : payload;
    mode = mode == null ? ExecutionMode.AUTO : mode;
  }

  /** Runs the named plan template with {@code payload}. */
  public static ExecuteRequest intent(String intent, JsonNode payload) {
    return new ExecuteRequest(null, payload, null, intent, null, null);
  }

  /** Plans {@code goal} with a planner model, then runs that plan with {@code payload}. */
  public static ExecuteRequest goal(String goal, JsonNode payload) {
    return new ExecuteRequest(null, payload, null, null, null, null, null, goal, null);
  }

  /** Runs an explicit plan with {@code payload}. */
  public static ExecuteRequest plan(PlanSpec plan, JsonNode payload) {
    return new ExecuteRequest(null, payload, null, null, null, plan);
  }

  public ExecuteRequest withTenant(TenantId value) {
    return new ExecuteRequest(
        value, payload, mode, intent, workflow, plan, priority, goal, replans, traceparent);
  }

  public ExecuteRequest withMode(ExecutionMode value) {
    return new ExecuteRequest(
        tenant, payload, value, intent, workflow, plan, priority, goal, replans, traceparent);
  }

  public ExecuteRequest withReplans(Integer value) {
    return new ExecuteRequest(
        tenant, payload, mode, intent, workflow, plan, priority, goal, value, traceparent);
  }

  public ExecuteRequest withPriority(Integer value) {
    return new ExecuteRequest(
        tenant, payload, mode, intent, workflow, plan, value, goal, replans, traceparent);
  }

  /** This request, started under the span of {@code value} (a W3C {@code traceparent}). */
  public ExecuteRequest withTraceparent(String value) {
    return new ExecuteRequest(
        tenant, payload, mode, intent, workflow, plan, priority, goal, replans, value);
  }
}
