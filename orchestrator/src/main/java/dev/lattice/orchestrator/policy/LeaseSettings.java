package dev.lattice.orchestrator.policy;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How dispatchers take their tenant's budget ahead from its ledger ({@code
 * lattice.policy.ledger.lease}).
 *
 * @param attempts a lease holds this many times the hold of the attempt that asked for it; 0 turns
 *     leases off, so that every attempt is reserved with the ledger
 * @param giveBackAfterIdle a dispatcher gives back what it has not used of its lease once it has
 *     taken nothing from it for this long
 * @param retryAfterRefusal after a declined lease, a dispatcher reserves attempt by attempt this
 *     long before it asks again
 * @param recallTimeout a ledger that recalled leases decides without the dispatchers that have not
 *     answered within this time
 */
public record LeaseSettings(
    int attempts, Duration giveBackAfterIdle, Duration retryAfterRefusal, Duration recallTimeout) {
  /** The defaults of reference.conf, for code that has no configuration at hand. */
  public static final LeaseSettings DEFAULT =
      new LeaseSettings(32, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));

  static LeaseSettings create(Config lease) {
    return new LeaseSettings(
        lease.getInt("attempts"),
        lease.getDuration("give-back-after-idle"),
        lease.getDuration("retry-after-refusal"),
        lease.getDuration("recall-timeout"));
  }

  /** Whether dispatchers take leases at all. */
  public boolean enabled() {
    return attempts > 0;
  }
}
