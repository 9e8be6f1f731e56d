package dev.lattice.protocol.api;

import dev.lattice.protocol.agent.BreakerStatus;
import dev.lattice.protocol.agent.ToolSpec;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One worker agent as the cluster sees it.
 *
 * @param agentId the agent
 * @param node the node it lives on
 * @param capabilities what it serves
 * @param models the models it can use
 * @param maxConcurrent its capacity
 * @param priority its routing priority
 * @param load assignments in flight on it, as this node's dispatchers count them
 * @param breaker the circuit breaker of the agent itself, as it last reported it; absent until it
 *     has
 * @param modelBreakers the circuit breaker of each of its models, by model name
 * @param tools how its capabilities that can be offered to models as tools are described, by
 *     capability
 * @param categories its capabilities grouped by what they do, by the wire name of their {@link
 *     CapabilityCategory}
 * @param status whether it can take work now, from its load and its own circuit breaker
 */
public record AgentView(
    String agentId,
    String node,
    List<String> capabilities,
    List<String> models,
    int maxConcurrent,
    int priority,
    int load,
    BreakerStatus breaker,
    Map<String, BreakerStatus> modelBreakers,
    Map<String, ToolSpec> tools,
    Map<String, List<String>> categories,
    AgentStatus status) {

  public AgentView {
    modelBreakers = modelBreakers == null ? Map.of() : modelBreakers;
    tools = tools == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(tools));
    categories =
        categories == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(categories));
    status = status == null ? AgentStatus.of(breaker, load, maxConcurrent) : status;
  }

  /** A view whose categories are not known and whose status follows from its load. */
  public AgentView(
      String agentId,
      String node,
      List<String> capabilities,
      List<String> models,
      int maxConcurrent,
      int priority,
      int load,
      BreakerStatus breaker,
      Map<String, BreakerStatus> modelBreakers,
      Map<String, ToolSpec> tools) {
    this(
        agentId,
        node,
        capabilities,
        models,
        maxConcurrent,
        priority,
        load,
        breaker,
        modelBreakers,
        tools,
        null,
        null);
  }

  /** This view with {@code value} as its load, and the status that follows from it. */
  public AgentView withLoad(int value) {
    return new AgentView(
        agentId,
        node,
        capabilities,
        models,
        maxConcurrent,
        priority,
        value,
        breaker,
        modelBreakers,
        tools,
        categories,
        AgentStatus.of(breaker, value, maxConcurrent));
  }

  /** Whether it serves {@code capability}. */
  public boolean serves(String capability) {
    return capabilities.contains(capability);
  }
}
