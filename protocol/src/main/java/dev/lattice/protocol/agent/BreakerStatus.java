package dev.lattice.protocol.agent;

import dev.lattice.protocol.CborSerializable;
import java.time.Instant;
import java.util.Objects;

/**
 * One circuit breaker as its agent reports it.
 *
 * @param state closed, open or half-open
 * @param consecutiveFailures failures counted against it since its last success
 * @param since when it entered its state (by the agent's clock)
 * @param openUntil while open, when it lets a probe through; absent otherwise
 */
public record BreakerStatus(
    BreakerState state, int consecutiveFailures, Instant since, Instant openUntil)
    implements CborSerializable {

  public BreakerStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(since, "since");
  }
}
