package dev.lattice.protocol.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.StepSpec;
import java.util.List;
import java.util.Objects;

/**
 * What a run was asked to do: recorded once, in its first event.
 *
 * @param tenant the tenant it belongs to
 * @param mode the execution mode
 * @param source where the plan came from: {@code intent:NAME}, {@code workflow:ID} or {@code plan}
 * @param plan the validated plan
 * @param payload the run's input
 * @param idempotencyKey the key the run was started with, if any
 * @param priority the run's priority in its dispatchers' queues (higher first); 0 when absent
 * @param parent for a child run, the step of the run that started it
 * @param trace the trace the run's spans belong to; absent in runs recorded before traces
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunSpec(
    TenantId tenant,
    ExecutionMode mode,
    String source,
    PlanSpec plan,
    JsonNode payload,
    String idempotencyKey,
    Integer priority,
    ParentRun parent,
    RunTrace trace) {
  /** A spec without a trace, as runs before traces were recorded. */
  public RunSpec(
      TenantId tenant,
      ExecutionMode mode,
      String source,
      PlanSpec plan,
      JsonNode payload,
      String idempotencyKey,
      Integer priority,
      ParentRun parent) {
    this(tenant, mode, source, plan, payload, idempotencyKey, priority, parent, null);
  }

  public RunSpec(
      TenantId tenant,
      ExecutionMode mode,
      String source,
      PlanSpec plan,
      JsonNode payload,
      String idempotencyKey,
      Integer priority) {
    this(tenant, mode, source, plan, payload, idempotencyKey, priority, null);
  }

  public RunSpec(
      TenantId tenant,
      ExecutionMode mode,
      String source,
      PlanSpec plan,
      JsonNode payload,
      String idempotencyKey) {
    this(tenant, mode, source, plan, payload, idempotencyKey, null);
  }

  public RunSpec {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(plan, "plan");
    payload = CanonicalJson.of(payload);
    priority = priority == null || priority == 0 ? null : priority;
  }

  /** This spec with its plan grown by {@code more} steps. */
  public RunSpec withSteps(List<StepSpec> more) {
    return new RunSpec(
        tenant, mode, source, plan.plus(more), payload, idempotencyKey, priority, parent, trace);
  }

  /** How deep this run is nested: 0 for a run nobody started from a step. */
  public int depth() {
    return parent == null ? 0 : parent.depth();
  }

  /** The run's priority, 0 by default. */
  public int priorityOrDefault() {
    return priority == null ? 0 : priority;
  }
}
