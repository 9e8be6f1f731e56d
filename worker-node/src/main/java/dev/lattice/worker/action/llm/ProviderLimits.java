package dev.lattice.worker.action.llm;

import com.typesafe.config.Config;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code limits} of a provider: one rate limit that each of its models has on its own (OpenAI
 * and Anthropic count per model), and overrides for some models.
 *
 * @param perModel the limit of every model without an override
 * @param models the overrides, by model
 */
public record ProviderLimits(RateLimit perModel, Map<String, RateLimit> models) {
  /** No limits. */
  public static final ProviderLimits NONE = new ProviderLimits(RateLimit.NONE, Map.of());

  public ProviderLimits {
    models = Map.copyOf(models);
  }

  /** Reads a provider's {@code limits} section; a model's section falls back to the provider's. */
  static ProviderLimits create(Config c) {
    Config shared = c.withoutPath("models");
    Map<String, RateLimit> models = new TreeMap<>();
    Config section = c.getConfig("models");
    for (String model : section.root().keySet()) {
      String quoted = "\"" + model + "\"";
      models.put(model, RateLimit.create(section.getConfig(quoted).withFallback(shared)));
    }
    return new ProviderLimits(RateLimit.create(shared), models);
  }

  /** The limit that applies to calls of {@code model}. */
  public RateLimit of(String model) {
    return models.getOrDefault(model, perModel);
  }
}
