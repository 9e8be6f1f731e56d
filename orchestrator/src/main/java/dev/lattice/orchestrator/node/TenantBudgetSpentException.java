package dev.lattice.orchestrator.node;

import dev.lattice.protocol.api.TenantUsage;

/** A new run is refused: its tenant has spent its budget for the current period. */
public final class TenantBudgetSpentException extends RuntimeException {
  private final transient TenantUsage usage;

  public TenantBudgetSpentException(TenantUsage usage) {
    super(
        "tenant '"
            + usage.tenant()
            + "' has spent its budget for the period that began "
            + usage.periodStart()
            + ": "
            + usage.used().tokens()
            + " tokens / "
            + usage.used().costUsd().toPlainString()
            + " USD of "
            + (usage.limit().maxTokens() == null ? "unlimited" : usage.limit().maxTokens())
            + " tokens / "
            + (usage.limit().maxCostUsd() == null
                ? "unlimited"
                : usage.limit().maxCostUsd().toPlainString())
            + " USD");
    this.usage = usage;
  }

  public TenantUsage usage() {
    return usage;
  }
}
