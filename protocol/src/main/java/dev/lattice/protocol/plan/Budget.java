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
    return new Budget(
        maxTokens == null
            ? other.maxTokens
            : other.maxTokens == null ? maxTokens : Math.min(maxTokens, other.maxTokens),
        maxCostUsd == null
            ? other.maxCostUsd
            : other.maxCostUsd == null ? maxCostUsd : maxCostUsd.min(other.maxCostUsd));
  }
}
