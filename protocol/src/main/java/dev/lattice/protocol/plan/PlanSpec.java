package dev.lattice.protocol.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A plan: a DAG of steps, in the order they were written (which is also the order they are shown).
 *
 * @param steps the steps; ids unique, dependencies acyclic
 * @param retry the plan's default retry policy, if any
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlanSpec(List<StepSpec> steps, RetryPolicy retry) {
  public PlanSpec {
    steps = steps == null ? List.of() : List.copyOf(steps);
  }

  public static PlanSpec of(StepSpec... steps) {
    return new PlanSpec(List.of(steps), null);
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
