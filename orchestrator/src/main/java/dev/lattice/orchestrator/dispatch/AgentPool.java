package dev.lattice.orchestrator.dispatch;

import dev.lattice.orchestrator.directory.AgentEntry;
import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.protocol.ids.AgentId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A dispatcher's view of the agents serving its capability and how loaded they are: its own
 * assignments in flight on each, and the total load each agent last reported (which includes other
 * dispatchers' work). Selection prefers spare capacity, then higher priority, then lower load, then
 * an agent on the dispatcher's own node. An agent whose circuit breaker refused work is left out
 * until the breaker may accept again: all of its work for the agent's own breaker, only that
 * model's work for a model's breaker.
 */
final class AgentPool {
  private record Slot(AgentEntry entry, int inFlightHere, int reportedLoad) {
    int load() {
      return Math.max(inFlightHere, reportedLoad);
    }

    int spare() {
      return entry.manifest().maxConcurrent() - load();
    }
  }

  private final String capability;
  private final String localNode;
  private final Map<AgentId, Slot> slots = new HashMap<>();
  private Map<String, ToolSpec> tools = Map.of();
  // Until when an agent's breaker (model null) or one of its models' breakers refuses work.
  private final Map<Breaker, Instant> openBreakers = new HashMap<>();

  private record Breaker(AgentId agent, String model) {}

  AgentPool(String capability, String localNode) {
    this.capability = capability;
    this.localNode = localNode;
  }

  /** Replaces the known agents with those of {@code entries} serving the capability. */
  void update(List<AgentEntry> entries) {
    Map<AgentId, Slot> next = new HashMap<>();
    Map<String, ToolSpec> described = new HashMap<>();
    for (AgentEntry entry : entries) {
      described.putAll(entry.manifest().tools());
      if (entry.manifest().serves(capability)) {
        AgentId id = entry.manifest().agentId();
        Slot previous = slots.get(id);
        next.put(
            id,
            previous == null
                ? new Slot(entry, 0, 0)
                : new Slot(entry, previous.inFlightHere, previous.reportedLoad));
      }
    }
    slots.clear();
    slots.putAll(next);
    tools = Map.copyOf(described);
    openBreakers.keySet().removeIf(breaker -> !slots.containsKey(breaker.agent()));
  }

  /** How every capability of the cluster that can be a tool is described, by capability. */
  Map<String, ToolSpec> tools() {
    return tools;
  }

  boolean knows(AgentId agent) {
    return agent != null && slots.containsKey(agent);
  }

  Optional<ActorRef<AgentCommand>> ref(AgentId agent) {
    Slot slot = slots.get(agent);
    return slot == null ? Optional.empty() : Optional.of(slot.entry().ref());
  }

  /** The best agent with spare capacity for work naming {@code model} (or none), if any. */
  Optional<AgentId> select(String model, Instant now) {
    openBreakers.values().removeIf(until -> !now.isBefore(until));
    return slots.values().stream()
        .filter(slot -> slot.spare() > 0)
        .filter(slot -> !refuses(slot.entry().manifest().agentId(), model))
        .min(
            Comparator.comparingInt((Slot s) -> -s.entry().manifest().priority())
                .thenComparingInt(Slot::load)
                .thenComparing(s -> !localNode.equals(s.entry().manifest().node()))
                .thenComparing(s -> s.entry().manifest().agentId().value()))
        .map(slot -> slot.entry().manifest().agentId());
  }

  /**
   * Picks an agent for each queued assignment of {@code state} that one can take now and that
   * {@code permits} lets go (it may be waiting for a provider's rate limit), in queue order, and
   * counts it as routed there.
   */
  List<DispatchLog.Route> route(DispatcherState state, Instant now, RatePermits permits) {
    List<DispatchLog.Route> routes = new ArrayList<>();
    for (String key : state.queuedKeys()) {
      Assignment assignment = state.entry(key).assignment();
      String model = assignment.model();
      Optional<AgentId> agent = select(model, now);
      if (agent.isEmpty()) {
        // Only a model's open breaker may keep this one from an agent: work for other models may
        // still go.
        if (model == null || select(null, now).isEmpty()) {
          break;
        }
        continue;
      }
      // Asked only once an agent could take it, so that room at a provider is not held for work
      // that cannot go; one waiting lets those behind it for other models go.
      if (!permits.admits(assignment, now)) {
        continue;
      }
      routed(agent.get());
      routes.add(new DispatchLog.Route(key, agent.get()));
    }
    return routes;
  }

  void routed(AgentId agent) {
    slots.computeIfPresent(
        agent, (id, s) -> new Slot(s.entry(), s.inFlightHere() + 1, s.reportedLoad()));
  }

  void released(AgentId agent) {
    slots.computeIfPresent(
        agent, (id, s) -> new Slot(s.entry(), Math.max(0, s.inFlightHere() - 1), s.reportedLoad()));
  }

  void reported(AgentId agent, int load) {
    slots.computeIfPresent(agent, (id, s) -> new Slot(s.entry(), s.inFlightHere(), load));
  }

  private boolean refuses(AgentId agent, String model) {
    return openBreakers.containsKey(new Breaker(agent, null))
        || (model != null && openBreakers.containsKey(new Breaker(agent, model)));
  }

  /** A breaker of the agent (that of {@code model}, or its own if null) refuses work until then. */
  void breakerOpen(AgentId agent, String model, Instant until) {
    if (slots.containsKey(agent)) {
      openBreakers.put(new Breaker(agent, model), until);
    }
  }

  /** The agent said it is busy: treat it as full until it reports otherwise. */
  void full(AgentId agent) {
    slots.computeIfPresent(
        agent,
        (id, s) -> new Slot(s.entry(), s.inFlightHere(), s.entry().manifest().maxConcurrent()));
  }

  /** Forgets the loads agents reported, so that agents marked full are tried again. */
  void forgetReports() {
    slots.replaceAll((id, s) -> new Slot(s.entry(), s.inFlightHere(), 0));
  }

  int size() {
    return slots.size();
  }
}
