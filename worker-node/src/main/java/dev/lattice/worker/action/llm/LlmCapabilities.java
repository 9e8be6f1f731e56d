package dev.lattice.worker.action.llm;

import com.typesafe.config.Config;
import java.util.HashSet;
import java.util.Set;

/**
 * The capabilities whose steps the {@code llm} action runs: {@code llm}, every model profile, and
 * those of configured agents that run the action. Budgets and rate limits both treat these steps as
 * model calls before they are dispatched.
 */
public final class LlmCapabilities {
  private final Set<String> names;

  /**
   * @param settings the {@code lattice.llm} settings, whose profiles are capabilities
   * @param agentCapabilities the capabilities of configured agents that run the llm action
   */
  public LlmCapabilities(LlmSettings settings, Set<String> agentCapabilities) {
    Set<String> all = new HashSet<>(agentCapabilities);
    all.add(LlmAction.NAME);
    all.addAll(settings.profiles().keySet());
    this.names = Set.copyOf(all);
  }

  /**
   * The capabilities the agents configured under {@code lattice.worker.agents} in {@code config}
   * serve with the llm action.
   */
  public static Set<String> ofAgents(Config config) {
    Set<String> served = new HashSet<>();
    if (config.hasPath("lattice.worker.agents")) {
      for (Config agent : config.getConfigList("lattice.worker.agents")) {
        if (LlmAction.NAME.equals(agent.getString("action"))) {
          served.addAll(agent.getStringList("capabilities"));
        }
      }
    }
    return served;
  }

  /** Whether steps of {@code capability} run the llm action. */
  public boolean contains(String capability) {
    return capability != null && names.contains(capability);
  }
}
