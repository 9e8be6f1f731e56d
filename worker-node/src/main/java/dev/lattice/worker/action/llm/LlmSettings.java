package dev.lattice.worker.action.llm;

import com.typesafe.config.Config;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code lattice.llm} settings of the built-in {@code llm} action.
 *
 * @param providers the model providers by name
 * @param profiles the model profiles by name
 * @param defaultMaxTokens the most tokens to generate when neither step nor profile says (Anthropic
 *     requires a figure)
 * @param maxResponseBytes the largest answer body read (non-streamed answers and error bodies)
 * @param structuredOutput how answers that must follow a JSON Schema are checked and repaired
 * @param promptEstimate how a call's prompt tokens are bounded before it is made (budgets)
 * @param deltas how streamed text is gathered for the run's followers
 * @param sessions the memory of steps that name a session
 */
public record LlmSettings(
    Map<String, ProviderSettings> providers,
    Map<String, ModelProfile> profiles,
    int defaultMaxTokens,
    long maxResponseBytes,
    StructuredOutputSettings structuredOutput,
    PromptEstimate promptEstimate,
    DeltaSettings deltas,
    SessionSettings sessions) {

  public LlmSettings {
    providers = Map.copyOf(providers);
    profiles = Map.copyOf(profiles);
  }

  /** Reads {@code llm}, the {@code lattice.llm} section. */
  public static LlmSettings create(Config llm) {
    Config defaults = llm.getConfig("provider-defaults");
    Map<String, ProviderSettings> providers = new TreeMap<>();
    Config providerSection = llm.getConfig("providers");
    for (String name : providerSection.root().keySet()) {
      providers.put(
          name,
          ProviderSettings.create(
              name, providerSection.getConfig(quoted(name)).withFallback(defaults)));
    }
    Map<String, ModelProfile> profiles = new TreeMap<>();
    Config profileSection = llm.getConfig("profiles");
    for (String name : profileSection.root().keySet()) {
      profiles.put(name, ModelProfile.create(name, profileSection.getConfig(quoted(name))));
    }
    return new LlmSettings(
        providers,
        profiles,
        llm.getInt("default-max-tokens"),
        llm.getBytes("max-response-bytes"),
        StructuredOutputSettings.create(llm.getConfig("structured-output")),
        PromptEstimate.create(llm.getConfig("prompt-estimate")),
        DeltaSettings.create(llm.getConfig("deltas")),
        SessionSettings.create(llm.getConfig("sessions")));
  }

  /** The provider named {@code name}, if configured. */
  public Optional<ProviderSettings> provider(String name) {
    return Optional.ofNullable(providers.get(name));
  }

  /** The first provider (by name) that lists {@code model}, if any. */
  public Optional<ProviderSettings> providerServing(String model) {
    return new TreeMap<>(providers).values().stream().filter(p -> p.serves(model)).findFirst();
  }

  /** The profile named {@code name}, if configured. */
  public Optional<ModelProfile> profile(String name) {
    return Optional.ofNullable(profiles.get(name));
  }

  // A name with a dot or other special character is one key, not a path.
  private static String quoted(String key) {
    return "\"" + key + "\"";
  }
}
