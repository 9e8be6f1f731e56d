package dev.lattice.orchestrator.plan;

import dev.lattice.protocol.api.PlanEstimate;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.RetryPolicy;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.plan.StepSpec;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/** Estimates what a validated plan will take: its shape and its worst-case budget. */
public final class PlanEstimator {
  private PlanEstimator() {}

  /**
   * The estimate for {@code plan}, taking missing retry settings from {@code defaultRetry}. Budgets
   * are summed over every attempt an agent step may make; absent when any agent step has no limit
   * of that kind, or runs in a map's or loop's sub-plan.
   */
  public static PlanEstimate estimate(PlanSpec plan, RetryPolicy defaultRetry) {
    Map<String, StepSpec> byId = new HashMap<>();
    plan.steps().forEach(s -> byId.put(s.id(), s));
    Map<String, Integer> depth = new HashMap<>();
    Map<Integer, Integer> width = new HashMap<>();
    int critical = 0;
    int agentSteps = 0;
    Long tokens = 0L;
    BigDecimal cost = BigDecimal.ZERO;
    for (StepSpec step : plan.steps()) {
      int level = depth(step.id(), byId, depth);
      critical = Math.max(critical, level);
      width.merge(level, 1, Integer::sum);
      if (step.kind().runsSubPlan() && step.steps().stream().anyMatch(s -> s.kind().sent())) {
        // How often a map's or loop's agents run is known only as it runs: no bound to give.
        tokens = null;
        cost = null;
      }
      if (step.kind().sent()) {
        // A child run spends at most the budget it is given, per attempt like an agent's.
        agentSteps += step.kind() == StepKind.AGENT ? 1 : 0;
        int attempts = attempts(step, plan, defaultRetry);
        var budget = step.budget();
        tokens =
            tokens == null || budget == null || budget.maxTokens() == null
                ? null
                : tokens + budget.maxTokens() * attempts;
        cost =
            cost == null || budget == null || budget.maxCostUsd() == null
                ? null
                : cost.add(budget.maxCostUsd().multiply(BigDecimal.valueOf(attempts)));
      }
    }
    int parallel = width.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    return new PlanEstimate(plan.steps().size(), agentSteps, critical, parallel, tokens, cost);
  }

  /** How many attempts a step may make: a run step makes one unless its own policy says more. */
  private static int attempts(StepSpec step, PlanSpec plan, RetryPolicy defaultRetry) {
    if (step.kind() == StepKind.RUN && step.retry() == null) {
      return 1;
    }
    RetryPolicy retry =
        step.retry() == null ? plan.retry() : step.retry().withFallback(plan.retry());
    retry = retry == null ? defaultRetry : retry.withFallback(defaultRetry);
    return retry == null || retry.maxAttempts() == null ? 1 : retry.maxAttempts();
  }

  private static int depth(String id, Map<String, StepSpec> byId, Map<String, Integer> memo) {
    Integer known = memo.get(id);
    if (known != null) {
      return known;
    }
    int level = 1;
    for (String dependency : byId.get(id).dependsOn()) {
      level = Math.max(level, depth(dependency, byId, memo) + 1);
    }
    memo.put(id, level);
    return level;
  }
}
