package dev.lattice.protocol.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;

/**
 * Resources an attempt consumed, reported with every result and summed per step, run and tenant.
 *
 * <p>The cached and reasoning figures are parts of the prompt and completion figures, not extra
 * tokens. They are left out of the JSON while 0, so that usage written before they existed reads
 * the same (a missing figure reads as 0) and usage without them is written as before.
 *
 * @param model the model used, if any
 * @param promptTokens tokens sent to the model
 * @param completionTokens tokens the model produced
 * @param costUsd what the attempt cost, in US dollars
 * @param cachedTokens of the prompt tokens, those the provider read from its cache
 * @param reasoningTokens of the completion tokens, those the model spent reasoning
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Usage(
    String model,
    long promptTokens,
    long completionTokens,
    BigDecimal costUsd,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long cachedTokens,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long reasoningTokens) {
  public static final Usage NONE = new Usage(null, 0, 0, BigDecimal.ZERO);

  public Usage {
    costUsd = costUsd == null ? BigDecimal.ZERO : costUsd;
    if (promptTokens < 0
        || completionTokens < 0
        || costUsd.signum() < 0
        || cachedTokens < 0
        || reasoningTokens < 0) {
      throw new IllegalArgumentException("usage must not be negative");
    }
  }

  /** Usage without cached or reasoning figures. */
  public Usage(String model, long promptTokens, long completionTokens, BigDecimal costUsd) {
    this(model, promptTokens, completionTokens, costUsd, 0, 0);
  }

  /** This usage at {@code cost}, every token figure kept. */
  public Usage withCost(BigDecimal cost) {
    return new Usage(model, promptTokens, completionTokens, cost, cachedTokens, reasoningTokens);
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
        costUsd.add(other.costUsd),
        cachedTokens + other.cachedTokens,
        reasoningTokens + other.reasoningTokens);
  }
}
