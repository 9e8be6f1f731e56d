package dev.lattice.worker.action.llm;

import com.typesafe.config.Config;

/**
 * A named model set-up of {@code lattice.llm.profiles}: an agent running the {@code llm} action for
 * a capability of the same name calls this provider and model, with this system prompt and these
 * defaults, unless the step's input says otherwise.
 *
 * @param name the profile's name, and the capability it serves
 * @param provider the provider to call; null to find it by the model
 * @param model the model to call
 * @param system a system prompt put before the step's; may be null
 * @param temperature the sampling temperature; null for the provider's default
 * @param maxTokens the most tokens to generate; null for the default
 */
public record ModelProfile(
    String name,
    String provider,
    String model,
    String system,
    Double temperature,
    Integer maxTokens) {

  static ModelProfile create(String name, Config c) {
    return new ModelProfile(
        name,
        c.hasPath("provider") ? c.getString("provider") : null,
        c.getString("model"),
        c.hasPath("system") ? c.getString("system") : null,
        c.hasPath("temperature") ? c.getDouble("temperature") : null,
        c.hasPath("max-tokens") ? c.getInt("max-tokens") : null);
  }
}
