package dev.lattice.protocol.agent;

import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.ids.AgentId;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The circuit breakers of one worker agent, as it reports them to whoever watches it (each node's
 * agent directory) at once and after every change.
 *
 * @param agentId the agent
 * @param agent the breaker of the agent itself: assignments that name none of its models
 * @param models the breaker of each model the agent declares, by model name
 */
public record AgentBreakers(AgentId agentId, BreakerStatus agent, Map<String, BreakerStatus> models)
    implements CborSerializable {

  public AgentBreakers {
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(agent, "agent");
    // Sorted, so that the API lists models in a stable order.
    models = Collections.unmodifiableSortedMap(new TreeMap<>(models == null ? Map.of() : models));
  }
}
