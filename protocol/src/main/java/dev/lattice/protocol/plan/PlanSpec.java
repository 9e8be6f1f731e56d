package dev.lattice.protocol.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * A plan: a DAG of steps, in the order they were written (which is also the order they are shown).
 *
 * @param steps the steps; ids unique, dependencies acyclic
 * @param retry the plan's default retry policy, if any
 * @param deadlineMs how long the whole run may take from its start, if limited; a run still
 *     unfinished then fails with {@code timeout}, paused or not
 * @param budget what the whole run may use, over all its steps and attempts, if limited
 * @param onBudgetExceeded what happens when a step exceeds a budget; {@code fail} when absent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlanSpec(
    List<StepSpec> steps,
    RetryPolicy retry,
    Long deadlineMs,
    Budget budget,
    BudgetAction onBudgetExceeded) {
  public PlanSpec {
    steps = steps == null ? List.of() : List.copyOf(steps);
  }

  /** A plan without a run budget. */
  public PlanSpec(List<StepSpec> steps, RetryPolicy retry, Long deadlineMs) {
    this(steps, retry, deadlineMs, null, null);
  }

  /** A plan without a run deadline or budget. */
  public PlanSpec(List<StepSpec> steps, RetryPolicy retry) {
    this(steps, retry, null);
  }

  /** What happens when a step exceeds a budget. */
  public BudgetAction budgetAction() {
    return onBudgetExceeded == null ? BudgetAction.FAIL : onBudgetExceeded;
  }

  public static PlanSpec of(StepSpec... steps) {
    return new PlanSpec(List.of(steps), null);
  }

  /** This plan with a run deadline. */
  public PlanSpec withDeadline(Long deadline) {
    return new PlanSpec(steps, retry, deadline, budget, onBudgetExceeded);
  }

  /** This plan with {@code more} steps after its own (a tool loop's turns and calls). */
  public PlanSpec plus(List<StepSpec> more) {
    List<StepSpec> all = new ArrayList<>(steps.size() + more.size());
    all.addAll(steps);
    all.addAll(more);
    return new PlanSpec(all, retry, deadlineMs, budget, onBudgetExceeded);
  }

  /** The step with {@code id}, or {@code null}. */
  public StepSpec step(String id) {
    for (StepSpec s : steps) {
      if (s.id() != null && s.id().equals(id)) {
        return s;
      }
    }
    return null;
  }
}
