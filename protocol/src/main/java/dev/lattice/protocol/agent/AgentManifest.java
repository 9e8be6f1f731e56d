package dev.lattice.protocol.agent;

import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.ids.AgentId;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a worker agent announces about itself to the cluster.
 *
 * @param agentId stable, configured identity
 * @param capabilities the capabilities it serves
 * @param models the models it can use, empty when not applicable
 * @param maxConcurrent how many assignments it runs at once at most
 * @param priority routing preference; higher is chosen first when capacity allows
 * @param node the cluster address of the node it lives on
 * @param tools how the capabilities that can be offered to a model as tools are described, by
 *     capability
 */
public record AgentManifest(
    AgentId agentId,
    Set<String> capabilities,
    Set<String> models,
    int maxConcurrent,
    int priority,
    String node,
    Map<String, ToolSpec> tools)
    implements CborSerializable {

  /** A manifest that offers none of its capabilities as a tool. */
  public AgentManifest(
      AgentId agentId,
      Set<String> capabilities,
      Set<String> models,
      int maxConcurrent,
      int priority,
      String node) {
    this(agentId, capabilities, models, maxConcurrent, priority, node, Map.of());
  }

  public AgentManifest {
    Objects.requireNonNull(agentId, "agentId");
    capabilities = Set.copyOf(capabilities);
    models = models == null ? Set.of() : Set.copyOf(models);
    tools = tools == null ? Map.of() : Map.copyOf(tools);
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be at least 1");
    }
  }

  public boolean serves(String capability) {
    return capabilities.contains(capability);
  }
}
