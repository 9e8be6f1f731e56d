package dev.lattice.orchestrator.policy;

import dev.lattice.protocol.plan.Budget;
import java.time.Duration;
import java.time.Instant;

/**
 * What a tenant may spend per period. Periods are aligned to the Unix epoch (UTC): a period of
 * {@code 1d} is a UTC day, so every node agrees on when one ends without coordinating.
 *
 * @param limit the limit per period
 * @param period the period's length
 */
public record TenantBudget(Budget limit, Duration period) {
  /** When the period holding {@code at} began. */
  public Instant periodStart(Instant at) {
    long length = period.toMillis();
    return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), length) * length);
  }
}
