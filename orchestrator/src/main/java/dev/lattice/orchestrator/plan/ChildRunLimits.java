package dev.lattice.orchestrator.plan;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The {@code lattice.run.child} bounds of run steps, which start child runs.
 *
 * @param maxDepth how deeply runs may nest: a run step of a run this deep is refused
 * @param defaultTimeout how long a child run may take when its run step sets no startToCloseMs
 */
public record ChildRunLimits(int maxDepth, Duration defaultTimeout) {
  public ChildRunLimits {
    if (maxDepth < 1) {
      throw new IllegalArgumentException("lattice.run.child.max-depth must be at least 1");
    }
    if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
      throw new IllegalArgumentException("lattice.run.child.default-timeout must be positive");
    }
  }

  /** Reads {@code lattice.run.child} from {@code config}. */
  public static ChildRunLimits create(Config config) {
    Config c = config.getConfig("lattice.run.child");
    return new ChildRunLimits(c.getInt("max-depth"), c.getDuration("default-timeout"));
  }
}
