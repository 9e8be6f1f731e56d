package dev.lattice.orchestrator.policy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import dev.lattice.protocol.agent.Usage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What models cost, per thousand prompt and completion tokens. The cost of an attempt whose model
 * is in the table is computed from its token counts, whatever the agent reported, so that budgets
 * are held to one price list; other attempts keep the cost their agent reported.
 */
public final class PriceTable {
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

  /** One model's prices in US dollars. */
  record ModelPrice(BigDecimal promptPer1k, BigDecimal completionPer1k) {}

  private final Map<String, ModelPrice> prices;

  PriceTable(Map<String, ModelPrice> prices) {
    this.prices = Map.copyOf(prices);
  }

  /** The table of {@code lattice.policy.prices}: model name → per-1k prices. */
  static PriceTable create(Config prices) {
    Map<String, ModelPrice> byModel = new HashMap<>();
    for (Map.Entry<String, ConfigValue> entry : prices.root().entrySet()) {
      Config price = ((ConfigObject) entry.getValue()).toConfig();
      byModel.put(
          entry.getKey(),
          new ModelPrice(
              new BigDecimal(price.getString("prompt-per-1k-tokens")),
              new BigDecimal(price.getString("completion-per-1k-tokens"))));
    }
    return new PriceTable(byModel);
  }

  public boolean knows(String model) {
    return model != null && prices.containsKey(model);
  }

  /** {@code usage} with its cost from this table, if its model is in it. */
  public Usage priced(Usage usage) {
    ModelPrice price = usage.model() == null ? null : prices.get(usage.model());
    if (price == null) {
      return usage;
    }
    BigDecimal cost =
        price
            .promptPer1k()
            .multiply(BigDecimal.valueOf(usage.promptTokens()))
            .add(price.completionPer1k().multiply(BigDecimal.valueOf(usage.completionTokens())))
            .divide(THOUSAND, MathContext.DECIMAL64)
            .stripTrailingZeros();
    return usage.withCost(cost);
  }

  /**
   * The most tokens of {@code model} that {@code cost} pays for, every token at the dearer of its
   * two prices; empty for a model not in the table or one that costs nothing.
   */
  public OptionalLong affordable(String model, BigDecimal cost) {
    ModelPrice price = model == null ? null : prices.get(model);
    if (price == null) {
      return OptionalLong.empty();
    }
    BigDecimal dearer = price.promptPer1k().max(price.completionPer1k());
    if (dearer.signum() <= 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(
        Math.max(
            0,
            cost.multiply(THOUSAND)
                .divide(dearer, 0, RoundingMode.FLOOR)
                .min(BigDecimal.valueOf(Long.MAX_VALUE))
                .longValue()));
  }

  /**
   * What {@code tokens} of {@code model} may cost at most (every token at the dearer of its two
   * prices), or zero for a model not in the table.
   */
  public BigDecimal ceiling(String model, long tokens) {
    ModelPrice price = model == null ? null : prices.get(model);
    if (price == null) {
      return BigDecimal.ZERO;
    }
    return price
        .promptPer1k()
        .max(price.completionPer1k())
        .multiply(BigDecimal.valueOf(tokens))
        .divide(THOUSAND, MathContext.DECIMAL64)
        .stripTrailingZeros();
  }
}
