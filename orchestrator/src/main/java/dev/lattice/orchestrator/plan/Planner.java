package dev.lattice.orchestrator.plan;

import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.PlannedRun;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.RetryPolicy;
import java.util.List;
import java.util.Set;

/**
 * Turns a request into a validated plan: from an intent (a named template), or an explicit plan. It
 * runs nothing and holds no state, so the same plan comes out for the same request.
 */
public final class Planner {
  private final TemplateRegistry templates;
  private final PlanValidator validator;
  private final RetryPolicy defaultRetry;

  /**
   * @param defaultRetry the configured retry policy, for estimates
   */
  public Planner(TemplateRegistry templates, PlanValidator validator, RetryPolicy defaultRetry) {
    this.templates = templates;
    this.validator = validator;
    this.defaultRetry = defaultRetry;
  }

  /**
   * The plan {@code request} asks for, validated against the {@code capabilities} agents offer now,
   * with its estimate.
   *
   * @throws PlanRejectedException if the request or the plan cannot run
   */
  public PlannedRun plan(ExecuteRequest request, Set<String> capabilities) {
    int sources =
        (request.intent() != null ? 1 : 0)
            + (request.workflow() != null ? 1 : 0)
            + (request.plan() != null ? 1 : 0);
    if (sources != 1) {
      throw new PlanRejectedException(
          null, "give exactly one of 'intent', 'workflow' or 'plan' (got " + sources + ")");
    }
    String source;
    PlanSpec plan;
    if (request.intent() != null) {
      plan =
          templates
              .find(request.intent())
              .orElseThrow(
                  () ->
                      new PlanRejectedException(
                          "intent",
                          "unknown intent '"
                              + request.intent()
                              + "'; known: "
                              + templates.names()));
      source = "intent:" + request.intent();
    } else if (request.workflow() != null) {
      throw new PlanRejectedException("workflow", "saved workflows are not supported yet");
    } else {
      plan = request.plan();
      source = "plan";
    }
    validator.validate(plan, capabilities);
    List<String> warnings = PolicyWarnings.of(plan);
    if (request.mode() == ExecutionMode.STRICT && !warnings.isEmpty()) {
      throw new PlanRejectedException(
          "mode",
          "strict mode refuses a plan with policy warnings: " + String.join("; ", warnings));
    }
    return new PlannedRun(
        request.tenant(),
        request.mode(),
        source,
        plan,
        PlanEstimator.estimate(plan, defaultRetry),
        warnings);
  }

  public Set<String> intents() {
    return templates.names();
  }
}
