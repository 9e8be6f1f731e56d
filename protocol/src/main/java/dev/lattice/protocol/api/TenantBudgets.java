package dev.lattice.protocol.api;

import java.util.List;

/**
 * The tenants that have a budget, each with what it spent in its current period, what its running
 * attempts hold, and its limit.
 *
 * @param budgets one per tenant, in tenant order
 */
public record TenantBudgets(List<TenantUsage> budgets) {
  public TenantBudgets {
    budgets = List.copyOf(budgets);
  }
}
