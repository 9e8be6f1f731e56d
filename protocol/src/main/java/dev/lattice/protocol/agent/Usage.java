package dev.lattice.protocol.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;

/**
 * Resources an attempt consumed, reported with every result and summed per step, run and tenant.
 *
 * @param model the model used, if any
 * @param promptTokens tokens sent to the model
 * @param completionTokens tokens the model produced
 * @param costUsd what the attempt cost, in US dollars
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Usage(String model, long promptTokens, long completionTokens, BigDecimal costUsd) {
  public static final Usage NONE = new Usage(null, 0, 0, BigDecimal.ZERO);

  public Usage {
    costUsd = costUsd == null ? BigDecimal.ZERO : costUsd;
    if (promptTokens < 0 || completionTokens < 0 || costUsd.signum() < 0) {
      throw new IllegalArgumentException("usage must not be negative");
    }
  }

  public long totalTokens() {
    return promptTokens + completionTokens;
  }

  /** The sum of two usages; the model is kept only where both name the same one (or one none). */
  public Usage plus(Usage other) {
    String mergedModel =
        model == null
            ? other.model
            : (other.model == null || model.equals(other.model) ? model : null);
    return new Usage(
        mergedModel,
        promptTokens + other.promptTokens,
        completionTokens + other.completionTokens,
        costUsd.add(other.costUsd));
  }
}
