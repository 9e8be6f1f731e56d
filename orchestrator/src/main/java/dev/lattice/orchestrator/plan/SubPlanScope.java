package dev.lattice.orchestrator.plan;

import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.plan.StepSpec;
import java.util.Set;

/**
 * Where the steps being validated are: the plan itself, or the sub-plan of a map or loop step,
 * which also sees what that step could see (its own dependencies' outputs) and the names only a
 * sub-plan has ({@code item} and {@code index} in a map's, {@code iteration} and {@code previous}
 * in a loop's).
 *
 * @param parent the map or loop step, or {@code null} for the plan itself
 * @param outer the steps the map or loop step depends on, directly or transitively
 */
record SubPlanScope(StepSpec parent, Set<String> outer) {
  static final SubPlanScope TOP = new SubPlanScope(null, Set.of());

  /** The sub-plan of {@code step}, which depends on {@code ancestors}. */
  SubPlanScope inside(StepSpec step, Set<String> ancestors) {
    return new SubPlanScope(step, Set.copyOf(ancestors));
  }

  /** How problems name the steps being validated. */
  String what() {
    return parent == null
        ? "the plan"
        : "the sub-plan of " + parent.kind().wire() + " step '" + parent.id() + "'";
  }

  /**
   * Why a step whose ancestors are {@code ancestors}, among {@code siblings}, may not make {@code
   * reference}; {@code null} if it may.
   */
  String problem(InputTemplate.Reference reference, Set<String> ancestors, Set<String> siblings) {
    String target = reference.stepId();
    return switch (reference.root()) {
      case "steps" ->
          ancestors.contains(target) || outer.contains(target)
              ? null
              : "'" + target + "' is not among its dependencies";
      case "item", "index" ->
          in(StepKind.MAP) ? null : "only a map's sub-plan has " + reference.root();
      case "iteration" -> in(StepKind.LOOP) ? null : "only a loop's sub-plan has iteration";
      case "previous" -> {
        if (!in(StepKind.LOOP)) {
          yield "only a loop's sub-plan has previous";
        }
        yield siblings.contains(target) ? null : "the loop's sub-plan has no step '" + target + "'";
      }
      default -> null;
    };
  }

  private boolean in(StepKind kind) {
    return parent != null && parent.kind() == kind;
  }
}
