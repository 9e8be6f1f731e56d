package dev.lattice.orchestrator.policy;

import com.typesafe.config.Config;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.worker.action.llm.LlmWorstCase;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The dispatch policies of {@code lattice.policy}: prices, usage estimates, allow-lists and tenant
 * budgets.
 *
 * @param estimator holds per attempt, and the price table
 * @param allowLists model and tool allow-lists
 * @param tenantBudgets budgets per tenant and period
 * @param ledger how tenant ledgers record spending
 */
public record PolicySettings(
    UsageEstimator estimator,
    AllowLists allowLists,
    Map<String, TenantBudget> tenantBudgets,
    LedgerSettings ledger) {
  private static final String PATH = "lattice.policy";

  /** No policies: nothing is denied, nothing is held, no tenant is limited. */
  public static final PolicySettings NONE =
      new PolicySettings(UsageEstimator.NONE, AllowLists.NONE, Map.of(), LedgerSettings.DEFAULT);

  public PolicySettings {
    tenantBudgets = Map.copyOf(tenantBudgets);
  }

  public static PolicySettings create(Config config) {
    Config policy = config.getConfig(PATH);
    PriceTable prices = PriceTable.create(policy.getConfig("prices"));
    Map<String, TenantBudget> budgets = new HashMap<>();
    Config tenants = policy.getConfig("tenants");
    for (String tenant : tenants.root().keySet()) {
      Config entry = tenants.getConfig("\"" + tenant + "\"");
      if (entry.hasPath("budget")) {
        Config budget = entry.getConfig("budget");
        budgets.put(
            tenant,
            new TenantBudget(
                new Budget(
                    budget.hasPath("max-tokens") ? budget.getLong("max-tokens") : null,
                    budget.hasPath("max-cost-usd")
                        ? new BigDecimal(budget.getString("max-cost-usd"))
                        : null),
                budget.getDuration("period")));
      }
    }
    return new PolicySettings(
        UsageEstimator.create(
            policy.getConfig("estimates"),
            prices,
            config.hasPath("lattice.llm") ? LlmWorstCase.create(config) : null),
        AllowLists.create(policy, PATH),
        budgets,
        LedgerSettings.create(policy.getConfig("ledger")));
  }

  public PriceTable prices() {
    return estimator.prices();
  }

  /** The budget of {@code tenant}, if it has one. */
  public Optional<TenantBudget> tenantBudget(TenantId tenant) {
    return Optional.ofNullable(tenantBudgets.get(tenant.value()));
  }
}
