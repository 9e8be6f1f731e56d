package dev.lattice.protocol.agent;

import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.ids.AgentId;
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
 */
public record AgentManifest(
    AgentId agentId,
    Set<String> capabilities,
    Set<String> models,
    int maxConcurrent,
    int priority,
    String node)
    implements CborSerializable {

  public AgentManifest {
    Objects.requireNonNull(agentId, "agentId");
    capabilities = Set.copyOf(capabilities);
    models = models == null ? Set.of() : Set.copyOf(models);
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be at least 1");
    }
  }

  public boolean serves(String capability) {
    return capabilities.contains(capability);
  }
}
