package dev.lattice.orchestrator.plan;

import dev.lattice.protocol.plan.Budget;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.plan.StepSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * What in a valid plan a careful operator would want to know before it runs: nothing here stops an
 * {@code auto} run, but {@code strict} refuses a plan with any warning.
 */
public final class PolicyWarnings {
  private PolicyWarnings() {}

  /** The warnings about {@code plan}, in step order, a map's or loop's sub-plan after it. */
  public static List<String> of(PlanSpec plan) {
    List<String> warnings = new ArrayList<>();
    add(plan.steps(), "", warnings);
    return warnings;
  }

  private static void add(List<StepSpec> steps, String where, List<String> warnings) {
    for (StepSpec step : steps) {
      if (step.kind() == StepKind.AGENT && unbounded(step.budget())) {
        warnings.add(
            "agent step '"
                + step.id()
                + "'"
                + where
                + " has no budget: its tokens and cost are unbounded");
      }
      if (step.kind() == StepKind.WAIT && step.signal() != null && step.durationMs() == null) {
        warnings.add(
            "wait step '"
                + step.id()
                + "'"
                + where
                + " waits for signal '"
                + step.signal()
                + "' with no timeout: the run may wait forever");
      }
      if (step.kind().runsSubPlan()) {
        add(step.steps(), " of " + step.kind().wire() + " step '" + step.id() + "'", warnings);
      }
    }
  }

  private static boolean unbounded(Budget budget) {
    return budget == null || (budget.maxTokens() == null && budget.maxCostUsd() == null);
  }
}
