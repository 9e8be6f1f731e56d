package dev.lattice.protocol.api;

import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.BudgetFigures;
import dev.lattice.protocol.agent.BudgetScope;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.plan.Budget;
import java.time.Instant;

/**
 * What a tenant spent in its current budget period, and what its running attempts hold.
 *
 * @param tenant the tenant
 * @param periodStart when the period began
 * @param used spent by finished attempts in the period
 * @param reserved held by attempts still running
 * @param limit the period's limit
 */
public record TenantUsage(
    String tenant, Instant periodStart, Spend used, Spend reserved, Budget limit)
    implements CborSerializable {

  /** Whether the period's budget is spent: a new run of the tenant is refused. */
  public boolean spent() {
    return (limit.maxTokens() != null && used.tokens() >= limit.maxTokens())
        || (limit.maxCostUsd() != null && used.costUsd().compareTo(limit.maxCostUsd()) >= 0);
  }

  /** The figures of this usage refusing {@code requested}. */
  public BudgetFigures figures(Spend requested) {
    return new BudgetFigures(BudgetScope.TENANT, limit, used, reserved, requested);
  }
}
