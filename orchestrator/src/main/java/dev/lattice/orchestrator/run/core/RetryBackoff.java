package dev.lattice.orchestrator.run.core;

import dev.lattice.protocol.plan.RetryPolicy;
import java.time.Duration;

/** Exponential backoff with jitter, computed from a complete retry policy. */
final class RetryBackoff {
  private RetryBackoff() {}

  /**
   * The delay before the attempt after {@code failedAttempt}: {@code initial × multiplier^(n-1)},
   * capped at the maximum, then moved by up to ±{@code jitter} of itself.
   *
   * @param random a value in [0, 1) read in the command handler and kept in the event
   */
  static Duration delay(RetryPolicy policy, int failedAttempt, double random) {
    double base =
        policy.initialBackoffMs() * Math.pow(policy.multiplier(), Math.max(0, failedAttempt - 1));
    double capped = Math.min(base, policy.maxBackoffMs());
    double jittered = capped * (1 + policy.jitter() * (2 * random - 1));
    return Duration.ofMillis(Math.max(0, Math.min(Math.round(jittered), policy.maxBackoffMs())));
  }
}
