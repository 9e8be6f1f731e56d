package dev.lattice.protocol.plan;

import java.util.Objects;

/**
 * What a step the run added for a map or a loop is part of: element {@code index} of the map step
 * {@code step} (from 0, the list's own index), or iteration {@code index} of the loop step {@code
 * step} (from 1); {@code subStep} is the id the step has in the sub-plan. Plans sent to Lattice
 * never carry it; the run records it on the steps it adds.
 *
 * <p>Ids: an element's steps are {@code M.3.fetch}, an iteration's {@code L.i2.review}. Plan step
 * ids hold no dots, so these never clash with them, and they depend only on the map or loop step,
 * the index and the sub-plan, so a replay rebuilds the same ones.
 */
public record SubPlanPart(String step, int index, String subStep) {
  public SubPlanPart {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(subStep, "subStep");
  }

  /** The prefix of the ids of element {@code index} of map {@code step}: {@code M.3.}. */
  public static String elementPrefix(String step, int index) {
    return step + "." + index + ".";
  }

  /** The prefix of the ids of iteration {@code iteration} of loop {@code step}: {@code L.i2.}. */
  public static String iterationPrefix(String step, int iteration) {
    return step + ".i" + iteration + ".";
  }
}
