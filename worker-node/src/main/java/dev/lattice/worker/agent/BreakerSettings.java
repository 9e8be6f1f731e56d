package dev.lattice.worker.agent;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The {@code lattice.worker.breaker} settings: when an agent's circuit breakers open and for how
 * long.
 *
 * @param enabled whether breakers refuse work at all; when off they stay closed
 * @param maxFailures consecutive failures that point at the agent (or model) which open its breaker
 * @param coolDown how long a breaker stays open after it first opens
 * @param coolDownMultiplier each failed probe multiplies the cool-down by this
 * @param maxCoolDown the longest cool-down
 */
public record BreakerSettings(
    boolean enabled,
    int maxFailures,
    Duration coolDown,
    double coolDownMultiplier,
    Duration maxCoolDown) {

  public BreakerSettings {
    if (maxFailures < 1) {
      throw new IllegalArgumentException("lattice.worker.breaker.max-failures must be at least 1");
    }
    if (coolDown.isNegative() || coolDown.isZero()) {
      throw new IllegalArgumentException("lattice.worker.breaker.cool-down must be positive");
    }
    if (coolDownMultiplier < 1) {
      throw new IllegalArgumentException(
          "lattice.worker.breaker.cool-down-multiplier must be at least 1");
    }
    if (maxCoolDown.compareTo(coolDown) < 0) {
      throw new IllegalArgumentException(
          "lattice.worker.breaker.max-cool-down must be at least cool-down");
    }
  }

  /** The {@code breaker} section of {@code lattice.worker}. */
  static BreakerSettings create(Config worker) {
    Config c = worker.getConfig("breaker");
    return new BreakerSettings(
        c.getBoolean("enabled"),
        c.getInt("max-failures"),
        c.getDuration("cool-down"),
        c.getDouble("cool-down-multiplier"),
        c.getDuration("max-cool-down"));
  }

  /** The cool-down after a failed probe, when the last one was {@code current}. */
  Duration nextCoolDown(Duration current) {
    double next = current.toMillis() * coolDownMultiplier;
    return next >= maxCoolDown.toMillis() ? maxCoolDown : Duration.ofMillis((long) next);
  }
}
