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
}
