package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.PlanSpec;
import java.util.List;

/**
 * The validated plan a request turns into, and what it is estimated to take; nothing has run.
 *
 * @param tenant the tenant the run would belong to
 * @param mode the execution mode
 * @param source where the plan came from: {@code intent:NAME}, {@code workflow:ID} or {@code plan}
 * @param plan the plan, with defaults filled in
 * @param estimate the estimate
 * @param warnings what in the plan a policy warns about (e.g. a step without a budget); a run in
 *     {@code strict} mode is refused when there is any
 * @param plannedBy for a goal: the run in which its planner wrote the plan (a dry run, whose events
 *     record every turn); absent otherwise
 * @param plannerUsage for a goal: what its planner's turns used
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlannedRun(
    TenantId tenant,
    ExecutionMode mode,
    String source,
    PlanSpec plan,
    PlanEstimate estimate,
    List<String> warnings,
    String plannedBy,
    Usage plannerUsage) {

  public PlannedRun {
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  /** A plan of a template or of the request itself. */
  public PlannedRun(
      TenantId tenant,
      ExecutionMode mode,
      String source,
      PlanSpec plan,
      PlanEstimate estimate,
      List<String> warnings) {
    this(tenant, mode, source, plan, estimate, warnings, null, null);
  }

  /** A plan nothing warns about. */
  public PlannedRun(
      TenantId tenant, ExecutionMode mode, String source, PlanSpec plan, PlanEstimate estimate) {
    this(tenant, mode, source, plan, estimate, List.of());
  }
}
