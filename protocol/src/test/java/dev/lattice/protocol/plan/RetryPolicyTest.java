package dev.lattice.protocol.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.agent.ErrorClass;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final RetryPolicy CONFIGURED =
      new RetryPolicy(3, 200L, 10_000L, 2.0, 0.2, List.of(ErrorClass.AUTH));

  @Test
  void takesEachMissingFieldFromItsFallback() {
    RetryPolicy step = new RetryPolicy(5, null, 1_000L, null, 0.0, null);
    assertThat(step.withFallback(CONFIGURED))
        .isEqualTo(new RetryPolicy(5, 200L, 1_000L, 2.0, 0.0, List.of(ErrorClass.AUTH)));
  }

  @Test
  void aFallbackOfNothingLeavesThePolicyAsItIs() {
    RetryPolicy step = new RetryPolicy(5, null, null, null, null, null);
    assertThat(step.withFallback(null)).isSameAs(step);
  }

  @Test
  void anEmptyNonRetryableListIsKeptNotReplacedByTheFallbacks() {
    RetryPolicy step = new RetryPolicy(null, null, null, null, null, List.of());
    assertThat(step.withFallback(CONFIGURED).nonRetryable()).isEmpty();
  }

  @Test
  void retriesOnlyRetryableClassesNotListedAsNonRetryable() {
    RetryPolicy policy = new RetryPolicy(3, null, null, null, null, List.of(ErrorClass.TIMEOUT));
    assertThat(policy.retries(ErrorClass.AGENT_ERROR)).isTrue();
    assertThat(policy.retries(ErrorClass.TIMEOUT)).isFalse();
    // Not retryable by default, whatever the list says.
    assertThat(policy.retries(ErrorClass.INVALID_INPUT)).isFalse();
    assertThat(new RetryPolicy(3, null, null, null, null, null).retries(ErrorClass.TIMEOUT))
        .isTrue();
  }
}
