package dev.lattice.protocol.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lattice.protocol.agent.ErrorClass;
import java.util.List;

/**
 * How a failed step is retried. Every field is optional in a plan; missing ones come from the
 * plan's default policy and then from configuration ({@link #withFallback}).
 *
 * @param maxAttempts total attempts including the first; 1 means no retry
 * @param initialBackoffMs delay before the second attempt
 * @param maxBackoffMs upper bound of any delay
 * @param multiplier growth of the delay per attempt
 * @param jitter random share (0..1) added to or taken from each delay
 * @param nonRetryable error classes never retried, on top of those not retryable by default
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetryPolicy(
    Integer maxAttempts,
    Long initialBackoffMs,
    Long maxBackoffMs,
    Double multiplier,
    Double jitter,
    List<ErrorClass> nonRetryable) {

  public RetryPolicy {
    nonRetryable = nonRetryable == null ? null : List.copyOf(nonRetryable);
  }

  /** This policy with every missing field taken from {@code fallback}. */
  public RetryPolicy withFallback(RetryPolicy fallback) {
    if (fallback == null) {
      return this;
    }
    return new RetryPolicy(
        maxAttempts != null ? maxAttempts : fallback.maxAttempts,
        initialBackoffMs != null ? initialBackoffMs : fallback.initialBackoffMs,
        maxBackoffMs != null ? maxBackoffMs : fallback.maxBackoffMs,
        multiplier != null ? multiplier : fallback.multiplier,
        jitter != null ? jitter : fallback.jitter,
        nonRetryable != null ? nonRetryable : fallback.nonRetryable);
  }

  /** Whether a failure of {@code errorClass} may be retried under this policy. */
  public boolean retries(ErrorClass errorClass) {
    return errorClass.retryable() && (nonRetryable == null || !nonRetryable.contains(errorClass));
  }
}
