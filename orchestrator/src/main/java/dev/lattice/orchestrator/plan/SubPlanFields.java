package dev.lattice.orchestrator.plan;

import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.plan.StepSpec;

/**
 * The fields of map and loop steps, checked against the {@code lattice.run.sub-plan} bounds, and
 * their absence from steps of other kinds. The sub-plans themselves are checked as plans are.
 */
final class SubPlanFields {
  private final SubPlanLimits limits;

  SubPlanFields(SubPlanLimits limits) {
    this.limits = limits;
  }

  /** A map or loop step's own fields. */
  void check(StepSpec step, String field, SubPlanScope scope) {
    if (scope.parent() != null) {
      throw new PlanRejectedException(
          field + ".kind",
          "a "
              + step.kind().wire()
              + " step may not be part of a map's or a loop's sub-plan (step '"
              + step.id()
              + "')");
    }
    // Its sub-plan's steps have their own policies; the map or loop holds no attempt of its own.
    PlanValidator.requireNoAttempts(step, field);
    if (step.steps() == null) {
      throw new PlanRejectedException(
          field + ".steps",
          step.kind().wire() + " step '" + step.id() + "' needs 'steps', its sub-plan");
    }
    if (step.kind() == StepKind.MAP) {
      between(
          step.concurrency(),
          limits.maxConcurrency(),
          field + ".concurrency",
          "lattice.run.sub-plan.max-concurrency");
    } else {
      PlanValidator.require(step.until(), field, "until", step);
      PlanValidator.compile(field + ".until", () -> GateCondition.compile(step.until()));
      between(
          step.maxIterations(),
          limits.maxIterations(),
          field + ".maxIterations",
          "lattice.run.sub-plan.max-iterations");
      long iterations =
          step.maxIterations() == null ? limits.maxIterations() : step.maxIterations();
      if (iterations * step.steps().size() > limits.maxAddedSteps()) {
        throw new PlanRejectedException(
            field + ".maxIterations",
            "loop step '"
                + step.id()
                + "' may add "
                + iterations * step.steps().size()
                + " steps ("
                + iterations
                + " iterations of "
                + step.steps().size()
                + "); at most "
                + limits.maxAddedSteps()
                + " are allowed (lattice.run.sub-plan.max-added-steps)");
      }
    }
  }

  /**
   * The fields of maps and loops are absent from steps of other kinds, and so are the markers the
   * run sets on the steps it adds; a sub-plan's steps offer no tools.
   */
  static void checkOthers(StepSpec step, String field, SubPlanScope scope) {
    PlanValidator.requireAbsent(step.within(), field, "within", step);
    if (!step.kind().runsSubPlan()) {
      PlanValidator.requireAbsent(step.steps(), field, "steps", step);
    }
    if (step.kind() != StepKind.MAP) {
      PlanValidator.requireAbsent(step.concurrency(), field, "concurrency", step);
      PlanValidator.requireAbsent(step.onElementFailure(), field, "onElementFailure", step);
    }
    if (step.kind() != StepKind.LOOP) {
      PlanValidator.requireAbsent(step.maxIterations(), field, "maxIterations", step);
      PlanValidator.requireAbsent(step.until(), field, "until", step);
    }
    if (scope.parent() != null && step.tools() != null) {
      throw new PlanRejectedException(
          field + ".tools", "a step of a map's or a loop's sub-plan may not offer tools");
    }
  }

  private static void between(Integer value, int max, String field, String limit) {
    if (value != null && (value < 1 || value > max)) {
      throw new PlanRejectedException(
          field, "must be 1.." + max + " (" + limit + "); got " + value);
    }
  }
}
