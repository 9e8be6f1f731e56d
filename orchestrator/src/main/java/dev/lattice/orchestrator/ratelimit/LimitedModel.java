package dev.lattice.orchestrator.ratelimit;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A provider's model, the unit rate limits count by: the id of its {@link ProviderLimiter}. Both
 * names are encoded in the id, as model names may hold slashes ({@code meta-llama/Llama-3}).
 *
 * @param provider the provider's configured name
 * @param model the model
 */
public record LimitedModel(String provider, String model) {

  /** The limiter's entity id: {@code provider/model}, each URL-encoded. */
  public String entityId() {
    return encode(provider) + "/" + encode(model);
  }

  static LimitedModel parse(String entityId) {
    int slash = entityId.indexOf('/');
    return new LimitedModel(
        URLDecoder.decode(entityId.substring(0, slash), StandardCharsets.UTF_8),
        URLDecoder.decode(entityId.substring(slash + 1), StandardCharsets.UTF_8));
  }

  /** As reasons name it: {@code provider p model m}. */
  public String describe() {
    return "provider " + provider + " model " + model;
  }

  private static String encode(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8);
  }
}
