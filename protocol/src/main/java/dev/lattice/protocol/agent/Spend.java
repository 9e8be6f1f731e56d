package dev.lattice.protocol.agent;

import java.math.BigDecimal;

/**
 * An amount of budget: tokens and cost.
 *
 * @param tokens prompt plus completion tokens
 * @param costUsd cost in US dollars
 */
public record Spend(long tokens, BigDecimal costUsd) {
  public static final Spend NONE = new Spend(0, BigDecimal.ZERO);

  public Spend {
    costUsd = costUsd == null ? BigDecimal.ZERO : costUsd;
  }

  /** What {@code usage} spent. */
  public static Spend of(Usage usage) {
    return new Spend(usage.totalTokens(), usage.costUsd());
  }

  public Spend plus(Spend other) {
    return new Spend(tokens + other.tokens, costUsd.add(other.costUsd));
  }

  public Spend minus(Spend other) {
    return new Spend(tokens - other.tokens, costUsd.subtract(other.costUsd));
  }
}
