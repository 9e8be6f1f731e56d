package dev.lattice.orchestrator.plan;

import com.typesafe.config.Config;

/**
 * The {@code lattice.run.sub-plan} bounds of map and loop steps.
 *
 * @param maxElements the most elements a map's list may have (checked when the map starts)
 * @param maxConcurrency the highest {@code concurrency} a map step may set
 * @param defaultConcurrency how many elements run at once when a map step sets no concurrency
 * @param maxIterations the highest {@code maxIterations} a loop step may set, and its default
 * @param maxAddedSteps the most steps one map or loop may add to its run, over all its elements or
 *     iterations
 */
public record SubPlanLimits(
    int maxElements,
    int maxConcurrency,
    int defaultConcurrency,
    int maxIterations,
    int maxAddedSteps) {
  public SubPlanLimits {
    if (maxElements < 1
        || maxConcurrency < 1
        || defaultConcurrency < 1
        || maxIterations < 1
        || maxAddedSteps < 1) {
      throw new IllegalArgumentException("lattice.run.sub-plan limits must be at least 1");
    }
    if (defaultConcurrency > maxConcurrency) {
      throw new IllegalArgumentException(
          "lattice.run.sub-plan.default-concurrency must be at most max-concurrency");
    }
  }

  /** Reads {@code lattice.run.sub-plan} from {@code config}. */
  public static SubPlanLimits create(Config config) {
    Config c = config.getConfig("lattice.run.sub-plan");
    return new SubPlanLimits(
        c.getInt("max-elements"),
        c.getInt("max-concurrency"),
        c.getInt("default-concurrency"),
        c.getInt("max-iterations"),
        c.getInt("max-added-steps"));
  }
}
