package dev.lattice.worker.agent;

import com.typesafe.config.Config;
import java.util.Set;

/**
 * A worker agent to start on a node, as configured under {@code lattice.worker.agents}.
 *
 * @param id the agent's name on its node; its cluster-wide id is {@code node.id}
 * @param action the name of the {@code AgentAction} it runs
 * @param capabilities the capabilities it serves
 * @param models the models it can use
 * @param maxConcurrent how many assignments it runs at once at most
 * @param priority routing preference; higher first
 */
public record AgentSpec(
    String id,
    String action,
    Set<String> capabilities,
    Set<String> models,
    int maxConcurrent,
    int priority) {

  public AgentSpec {
    capabilities = Set.copyOf(capabilities);
    models = models == null ? Set.of() : Set.copyOf(models);
    if (capabilities.isEmpty()) {
      throw new IllegalArgumentException("agent '" + id + "' serves no capability");
    }
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("agent '" + id + "' needs max-concurrent >= 1");
    }
  }

  /** An agent named after {@code capability} that serves only it with the action of that name. */
  public static AgentSpec forCapability(String capability, int maxConcurrent) {
    return new AgentSpec(capability, capability, Set.of(capability), Set.of(), maxConcurrent, 0);
  }

  static AgentSpec fromConfig(Config c) {
    return new AgentSpec(
        c.getString("id"),
        c.getString("action"),
        Set.copyOf(c.getStringList("capabilities")),
        c.hasPath("models") ? Set.copyOf(c.getStringList("models")) : Set.of(),
        c.getInt("max-concurrent"),
        c.hasPath("priority") ? c.getInt("priority") : 0);
  }
}
