package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.policy.UsageEstimator;
import dev.lattice.protocol.agent.BudgetFigures;
import dev.lattice.protocol.agent.BudgetScope;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.protocol.plan.BudgetAction;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.run.RunChange;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A run's own budget (the plan's {@code budget}): each attempt holds its estimate from dispatch
 * until its usage is known, and an attempt that would take the run past its limit is refused before
 * it is dispatched. The run is the single writer of its usage, so this needs no coordination. Pure.
 */
final class RunBudget {
  /** Who pauses a run that exceeded a budget, in its {@code run.paused} event. */
  static final String ACTOR = "lattice";

  private final UsageEstimator estimator;

  RunBudget(UsageEstimator estimator) {
    this.estimator = estimator;
  }

  /** What an attempt of {@code step} holds until its usage is known. */
  Spend hold(RunState state, StepSpec step) {
    if (step.kind() == StepKind.RUN) {
      // A child run may spend its own budget, all of it.
      Budget own = own(step);
      return new Spend(
          own.maxTokens() == null ? 0 : own.maxTokens(),
          own.maxCostUsd() == null ? BigDecimal.ZERO : own.maxCostUsd());
    }
    return estimator.estimate(step.capability(), step.model(), own(step), input(state, step));
  }

  private static Budget own(StepSpec step) {
    return step.budget() == null ? Budget.UNLIMITED : step.budget();
  }

  /**
   * The resolved input of {@code step}, for an llm step only (the others' holds do not depend on
   * it); null when there is none to look at.
   */
  private JsonNode input(RunState state, StepSpec step) {
    if (!estimator.llmStep(step.capability())) {
      return null;
    }
    try {
      return StepInput.resolve(state, step);
    } catch (IllegalArgumentException e) {
      // Its attempt fails with invalid_input before it is sent.
      return null;
    }
  }

  /**
   * The events refusing the just-dispatched attempt of {@code step}, if it would take the run past
   * its budget: the figures, then the step's failure or the run's pause (per the plan). Empty when
   * it fits. Only the holds of {@code admitted} steps count: steps dispatched in the same decision
   * but not checked yet hold nothing so far.
   */
  List<RunChange> refusal(RunState state, StepSpec step, Set<String> admitted, Instant now) {
    Budget limit = state.plan().budget();
    if (limit == null) {
      return List.of();
    }
    BudgetFigures figures =
        new BudgetFigures(
            BudgetScope.RUN,
            limit,
            Spend.of(state.usage()),
            heldByOthers(state, step.id(), admitted::contains),
            hold(state, step));
    if (!figures.exceeded()) {
      return List.of();
    }
    int attempt = state.step(step.id()).attempt();
    List<RunChange> events = new ArrayList<>(2);
    BudgetAction action = state.plan().budgetAction();
    events.add(new RunChange.BudgetExceeded(step.id(), attempt, figures, action, now));
    events.add(
        action == BudgetAction.PAUSE
            // The attempt stays dispatched, unsent: resuming the run approves and sends it.
            ? new RunChange.RunPaused(ACTOR, figures.describe(), now)
            : new RunChange.StepFailed(
                step.id(),
                attempt,
                null,
                null,
                StepError.budgetExceeded(figures),
                Usage.NONE,
                now));
    return events;
  }

  /**
   * The budget an attempt of {@code step} goes out with: its own, tightened by what the run has
   * left, and for an llm step of a run or step with a budget by its worst case (see {@link
   * UsageEstimator#envelope}). An attempt sent although the run has nothing left (approved by a
   * resume) is held to its own budget only.
   */
  Budget envelope(RunState state, StepSpec step) {
    Budget within = withinRun(state, step);
    if (step.kind() == StepKind.RUN || (state.plan().budget() == null && step.budget() == null)) {
      // Nothing of the run's to keep within (its tenant's budget is the dispatcher's to apply).
      return within;
    }
    return estimator.envelope(step.capability(), step.model(), within, input(state, step));
  }

  private Budget withinRun(RunState state, StepSpec step) {
    Budget own = own(step);
    Budget limit = state.plan().budget();
    if (limit == null) {
      return own;
    }
    Spend spent = Spend.of(state.usage()).plus(heldByOthers(state, step.id(), id -> true));
    Long tokensLeft = limit.maxTokens() == null ? null : limit.maxTokens() - spent.tokens();
    BigDecimal costLeft =
        limit.maxCostUsd() == null ? null : limit.maxCostUsd().subtract(spent.costUsd());
    if ((tokensLeft != null && tokensLeft <= 0) || (costLeft != null && costLeft.signum() <= 0)) {
      return own;
    }
    return own.within(new Budget(tokensLeft, costLeft));
  }

  private Spend heldByOthers(RunState state, String stepId, Predicate<String> counted) {
    Spend held = Spend.NONE;
    for (StepState other : state.stepStates()) {
      if (!other.id().equals(stepId)
          && counted.test(other.id())
          && other.status().out()
          // A tool loop's step holds nothing itself: each of its turns holds its own.
          && !state.spec(other.id()).runsParts()) {
        held = held.plus(hold(state, state.spec(other.id())));
      }
    }
    return held;
  }
}
