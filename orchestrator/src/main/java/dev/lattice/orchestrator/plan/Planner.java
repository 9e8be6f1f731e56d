package dev.lattice.orchestrator.plan;

import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.IntentView;
import dev.lattice.protocol.api.PlannedRun;
import dev.lattice.protocol.json.PayloadLimits;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.RetryPolicy;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a request into a validated plan: from an intent (a named template), an explicit plan, or a
 * goal (a plan of one planner step, whose model writes the rest as the run goes). It runs nothing
 * and holds no state, so the same plan comes out for the same request.
 */
public final class Planner {
  private final TemplateRegistry templates;
  private final PlanValidator validator;
  private final RetryPolicy defaultRetry;
  private final PayloadLimits payloadLimits;
  private final GoalPlans goals;

  /** A planner that plans no goals. */
  public Planner(
      TemplateRegistry templates,
      PlanValidator validator,
      RetryPolicy defaultRetry,
      PayloadLimits payloadLimits) {
    this(templates, validator, defaultRetry, payloadLimits, null);
  }

  /**
   * @param defaultRetry the configured retry policy, for estimates
   * @param payloadLimits how deep and large the payload and each step's input template may be
   * @param goals how goals are planned; null when they are not
   */
  public Planner(
      TemplateRegistry templates,
      PlanValidator validator,
      RetryPolicy defaultRetry,
      PayloadLimits payloadLimits,
      GoalPlans goals) {
    this.templates = templates;
    this.validator = validator;
    this.defaultRetry = defaultRetry;
    this.payloadLimits = payloadLimits;
    this.goals = goals;
  }

  /**
   * The plan {@code request} asks for, validated against the {@code capabilities} agents offer now,
   * with its estimate.
   *
   * @throws PlanRejectedException if the request or the plan cannot run
   */
  public PlannedRun plan(ExecuteRequest request, Set<String> capabilities) {
    return plan(request, capabilities, Map.of());
  }

  /**
   * The plan {@code request} asks for, validated against the {@code capabilities} agents offer now
   * (those that can be tools described as {@code described} says, for a goal's planner), with its
   * estimate.
   *
   * @throws PlanRejectedException if the request or the plan cannot run
   */
  public PlannedRun plan(
      ExecuteRequest request, Set<String> capabilities, Map<String, ToolSpec> described) {
    int sources =
        (request.intent() != null ? 1 : 0)
            + (request.workflow() != null ? 1 : 0)
            + (request.plan() != null ? 1 : 0)
            + (request.goal() != null ? 1 : 0);
    if (sources != 1) {
      throw new PlanRejectedException(
          null, "give exactly one of 'intent', 'workflow', 'plan' or 'goal' (got " + sources + ")");
    }
    if (request.goal() != null) {
      return goal(request, capabilities, described);
    }
    if (request.replans() != null) {
      throw new PlanRejectedException("replans", "replans are new plans of a goal: give a 'goal'");
    }
    if (request.mode() == ExecutionMode.APPROVE) {
      throw new PlanRejectedException(
          "mode", "mode 'approve' waits for a person to approve a goal's plan: give a 'goal'");
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
      List<String> violations = templates.payloadViolations(request.intent(), request.payload());
      if (!violations.isEmpty()) {
        throw new PlanRejectedException(
            "payload",
            "the payload does not match the payloadSchema of intent '"
                + request.intent()
                + "': "
                + String.join("; ", violations));
      }
      source = "intent:" + request.intent();
    } else if (request.workflow() != null) {
      throw new PlanRejectedException("workflow", "saved workflows are not supported yet");
    } else {
      plan = request.plan();
      source = "plan";
    }
    validator.validate(plan, capabilities);
    checkPayloads(request, plan);
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

  private PlannedRun goal(
      ExecuteRequest request, Set<String> capabilities, Map<String, ToolSpec> described) {
    if (goals == null) {
      throw new PlanRejectedException("goal", "this node plans no goals");
    }
    PlanSpec plan = goals.plan(request, capabilities, described, templates.intents());
    checkPayloads(request, plan);
    return new PlannedRun(
        request.tenant(),
        request.mode(),
        "goal",
        plan,
        PlanEstimator.estimate(plan, defaultRetry),
        List.of());
  }

  /**
   * The payload and the input templates go into the run's first event: past the payload limits, the
   * journal could refuse it. Over HTTP the API refuses such bodies already; this holds an embedding
   * application's requests to the same limits.
   */
  private void checkPayloads(ExecuteRequest request, PlanSpec plan) {
    payloadLimits
        .violation(request.payload())
        .ifPresent(
            problem -> {
              throw new PlanRejectedException("payload", "the payload " + problem);
            });
    for (int i = 0; i < plan.steps().size(); i++) {
      String field = "plan.steps[" + i + "].input";
      payloadLimits
          .violation(plan.steps().get(i).input())
          .ifPresent(
              problem -> {
                throw new PlanRejectedException(field, "the step's input " + problem);
              });
    }
  }

  public Set<String> intents() {
    return templates.names();
  }

  /** Every intent, with its description and payload schema. */
  public List<IntentView> intentViews() {
    return templates.intents();
  }
}
