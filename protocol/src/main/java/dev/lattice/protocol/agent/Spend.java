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

  /** {@code n} times this amount. */
  public Spend times(int n) {
    return new Spend(tokens * n, costUsd.multiply(BigDecimal.valueOf(n)));
  }

  /** Whether this amount is at least {@code other}, in tokens and in cost. */
  public boolean covers(Spend other) {
    return tokens >= other.tokens && costUsd.compareTo(other.costUsd) >= 0;
  }

  /** Whether this amount is nothing: no tokens, no cost. */
  public boolean none() {
    return tokens == 0 && costUsd.signum() == 0;
  }

  /** This amount with a negative part (tokens or cost) raised to zero. */
  public Spend atLeastNone() {
    return tokens >= 0 && costUsd.signum() >= 0
        ? this
        : new Spend(Math.max(0, tokens), costUsd.max(BigDecimal.ZERO));
  }
}
