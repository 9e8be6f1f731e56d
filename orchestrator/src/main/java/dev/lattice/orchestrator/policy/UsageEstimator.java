package dev.lattice.orchestrator.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.worker.action.llm.LlmWorstCase;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What an attempt is expected to spend, held against the run's and the tenant's budgets from its
 * dispatch until its usage is known. The hold is deliberately the most it may spend where that is
 * known: for an llm step, the worst case of its call ({@link LlmWorstCase}: prompt bound plus
 * {@code maxTokens}, for every try its repairs allow), within the step's own budget; for other
 * steps, the step's own budget when it has one, otherwise the configured estimate for its
 * capability. Cost is held at the step's cost budget, otherwise the tokens priced at the dearer of
 * its model's two prices.
 *
 * <p>An llm attempt that some budget applies to goes out with its hold as its token limit ({@link
 * #envelope}), and the llm action keeps every call within it, so it never spends more than it held.
 */
public final class UsageEstimator {
  /** No estimates and no prices: attempts hold nothing. */
  public static final UsageEstimator NONE =
      new UsageEstimator(new PriceTable(Map.of()), 0, Map.of(), null);

  private final PriceTable prices;
  private final long defaultTokens;
  private final Map<String, Long> tokensByCapability;
  // Null: no step is known as an llm step.
  private final LlmWorstCase llm;

  UsageEstimator(
      PriceTable prices,
      long defaultTokens,
      Map<String, Long> tokensByCapability,
      LlmWorstCase llm) {
    this.prices = prices;
    this.defaultTokens = defaultTokens;
    this.tokensByCapability = Map.copyOf(tokensByCapability);
    this.llm = llm;
  }

  /**
   * The estimator of {@code lattice.policy.estimates}, pricing with {@code prices}, bounding llm
   * steps with {@code llm} (none if null).
   */
  static UsageEstimator create(Config estimates, PriceTable prices, LlmWorstCase llm) {
    Map<String, Long> byCapability = new HashMap<>();
    Config capabilities = estimates.getConfig("capabilities");
    for (String capability : capabilities.root().keySet()) {
      byCapability.put(capability, capabilities.getLong("\"" + capability + "\".tokens"));
    }
    return new UsageEstimator(prices, estimates.getLong("default-tokens"), byCapability, llm);
  }

  public PriceTable prices() {
    return prices;
  }

  /** Whether steps of {@code capability} are llm steps, whose hold depends on their input. */
  public boolean llmStep(String capability) {
    return llm != null && llm.serves(capability);
  }

  /**
   * What one attempt of {@code capability} using {@code model} is expected to spend, from the
   * configured estimates alone (nothing when none is configured).
   */
  public Spend expected(String capability, String model) {
    long tokens = tokensByCapability.getOrDefault(capability, defaultTokens);
    return new Spend(tokens, prices.ceiling(model, tokens));
  }

  /**
   * The hold for one attempt of a step of {@code capability} using {@code model} within {@code
   * budget}, given its resolved {@code input} (which only llm steps look at; may be null).
   */
  public Spend estimate(String capability, String model, Budget budget, JsonNode input) {
    Budget limit = envelope(capability, model, budget, input);
    long tokens =
        limit.maxTokens() != null
            ? limit.maxTokens()
            : tokensByCapability.getOrDefault(capability, defaultTokens);
    return new Spend(
        tokens, limit.maxCostUsd() != null ? limit.maxCostUsd() : prices.ceiling(model, tokens));
  }

  /**
   * The budget an attempt goes out with: {@code budget}, and for an llm step also at most its worst
   * case, and at most the tokens its cost limit buys at its model's dearer price (so that a limit
   * of tokens, which the action enforces, enforces the cost too).
   */
  public Budget envelope(String capability, String model, Budget budget, JsonNode input) {
    OptionalLong worst = llm == null ? OptionalLong.empty() : llm.tokens(capability, model, input);
    if (worst.isEmpty()) {
      return budget;
    }
    Budget limit = budget.within(new Budget(worst.getAsLong(), null));
    if (budget.maxCostUsd() != null) {
      OptionalLong affordable = prices.affordable(model, budget.maxCostUsd());
      if (affordable.isPresent()) {
        limit = limit.within(new Budget(affordable.getAsLong(), null));
      }
    }
    return limit;
  }
}
