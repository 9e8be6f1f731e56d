package dev.lattice.protocol.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;

/**
 * Limits on what one assignment may consume; either limit may be absent.
 *
 * @param maxTokens prompt plus completion tokens
 * @param maxCostUsd cost in US dollars
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Budget(Long maxTokens, BigDecimal maxCostUsd) {
  public static final Budget UNLIMITED = new Budget(null, null);

  /** The tighter of this budget and {@code other}, limit by limit. */
  public Budget within(Budget other) {
    Long tokens;
    if (maxTokens == null || other.maxTokens == null) {
      tokens = maxTokens == null ? other.maxTokens : maxTokens;
    } else {
      tokens = Math.min(maxTokens, other.maxTokens);
    }
    BigDecimal cost;
    if (maxCostUsd == null || other.maxCostUsd == null) {
      cost = maxCostUsd == null ? other.maxCostUsd : maxCostUsd;
    } else {
      cost = maxCostUsd.min(other.maxCostUsd);
    }
    return new Budget(tokens, cost);
  }
}
