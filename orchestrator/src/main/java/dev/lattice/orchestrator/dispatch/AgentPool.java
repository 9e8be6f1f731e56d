package dev.lattice.orchestrator.dispatch;

import dev.lattice.orchestrator.directory.AgentEntry;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.worker.agent.WorkerAgent;
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
 * an agent on the dispatcher's own node.
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

  AgentPool(String capability, String localNode) {
    this.capability = capability;
    this.localNode = localNode;
  }

  /** Replaces the known agents with those of {@code entries} serving the capability. */
  void update(List<AgentEntry> entries) {
    Map<AgentId, Slot> next = new HashMap<>();
    for (AgentEntry entry : entries) {
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
  }

  boolean knows(AgentId agent) {
    return agent != null && slots.containsKey(agent);
  }

  Optional<ActorRef<WorkerAgent.Command>> ref(AgentId agent) {
    Slot slot = slots.get(agent);
    return slot == null ? Optional.empty() : Optional.of(slot.entry().ref());
  }

  /** The best agent with spare capacity, if any. */
  Optional<AgentId> select() {
    return slots.values().stream()
        .filter(slot -> slot.spare() > 0)
        .min(
            Comparator.comparingInt((Slot s) -> -s.entry().manifest().priority())
                .thenComparingInt(Slot::load)
                .thenComparing(s -> !localNode.equals(s.entry().manifest().node()))
                .thenComparing(s -> s.entry().manifest().agentId().value()))
        .map(slot -> slot.entry().manifest().agentId());
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
