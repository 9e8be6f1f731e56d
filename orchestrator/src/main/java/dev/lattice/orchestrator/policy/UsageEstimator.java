package dev.lattice.orchestrator.policy;

import com.typesafe.config.Config;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.plan.Budget;
import java.util.HashMap;
import java.util.Map;

/**
 * What an attempt is expected to spend, held against the run's and the tenant's budgets from its
 * dispatch until its usage is known. The hold is deliberately the most it may spend where that is
 * known: the step's own budget when it has one; otherwise the configured estimate for its
 * capability, priced at the dearer of its model's two prices.
 */
public final class UsageEstimator {
  /** No estimates and no prices: attempts hold nothing. */
  public static final UsageEstimator NONE =
      new UsageEstimator(new PriceTable(Map.of()), 0, Map.of());

  private final PriceTable prices;
  private final long defaultTokens;
  private final Map<String, Long> tokensByCapability;

  UsageEstimator(PriceTable prices, long defaultTokens, Map<String, Long> tokensByCapability) {
    this.prices = prices;
    this.defaultTokens = defaultTokens;
    this.tokensByCapability = Map.copyOf(tokensByCapability);
  }

  /** The estimator of {@code lattice.policy.estimates}, pricing with {@code prices}. */
  static UsageEstimator create(Config estimates, PriceTable prices) {
    Map<String, Long> byCapability = new HashMap<>();
    Config capabilities = estimates.getConfig("capabilities");
    for (String capability : capabilities.root().keySet()) {
      byCapability.put(capability, capabilities.getLong("\"" + capability + "\".tokens"));
    }
    return new UsageEstimator(prices, estimates.getLong("default-tokens"), byCapability);
  }

  public PriceTable prices() {
    return prices;
  }

  /**
   * What one attempt of {@code capability} using {@code model} is expected to spend, from the
   * configured estimates alone (nothing when none is configured).
   */
  public Spend expected(String capability, String model) {
    long tokens = tokensByCapability.getOrDefault(capability, defaultTokens);
    return new Spend(tokens, prices.ceiling(model, tokens));
  }

  /** The hold for one attempt of a step of {@code capability} using {@code model}. */
  public Spend estimate(String capability, String model, Budget budget) {
    long tokens =
        budget.maxTokens() != null
            ? budget.maxTokens()
            : tokensByCapability.getOrDefault(capability, defaultTokens);
    return new Spend(
        tokens, budget.maxCostUsd() != null ? budget.maxCostUsd() : prices.ceiling(model, tokens));
  }
}
