package dev.lattice.orchestrator.dispatch;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.ids.AgentId;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;
import org.pcollections.PSortedMap;
import org.pcollections.TreePMap;

/**
 * The durable queue of one executor-dispatcher: every assignment accepted and not yet finished,
 * with the agent it was routed to (none while it waits for capacity). Queued assignments are served
 * by their run's priority, then in the order they were accepted (by ticket). Immutable; persistent
 * collections keep each change O(log n).
 */
// Only the @JsonProperty accessors form the serialized state, not the persistent collections.
@JsonAutoDetect(
    fieldVisibility = JsonAutoDetect.Visibility.NONE,
    getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class DispatcherState implements CborSerializable {
  private static final DispatcherState EMPTY =
      new DispatcherState(HashTreePMap.empty(), TreePMap.empty(), 0);

  /** A place in the queue: higher run priority first, then the order of acceptance. */
  private record Slot(int priority, long ticket) implements Comparable<Slot> {
    static Slot of(Entry entry) {
      return new Slot(entry.assignment().priority(), entry.ticket());
    }

    @Override
    public int compareTo(Slot other) {
      int byPriority = Integer.compare(other.priority, priority);
      return byPriority != 0 ? byPriority : Long.compare(ticket, other.ticket);
    }
  }

  /**
   * One accepted assignment.
   *
   * @param assignment what to run
   * @param ticket its place in the queue's order
   * @param agentId the agent it was routed to, or {@code null} while queued
   * @param acceptedAt when the dispatcher accepted it
   */
  public record Entry(Assignment assignment, long ticket, AgentId agentId, Instant acceptedAt)
      implements CborSerializable {
    public String key() {
      return assignment.idempotencyKey();
    }

    Entry routedTo(AgentId agent) {
      return new Entry(assignment, ticket, agent, acceptedAt);
    }
  }

  private final PMap<String, Entry> entries;
  private final PSortedMap<Slot, String> queued;
  private final long lastTicket;

  private DispatcherState(
      PMap<String, Entry> entries, PSortedMap<Slot, String> queued, long lastTicket) {
    this.entries = entries;
    this.queued = queued;
    this.lastTicket = lastTicket;
  }

  public static DispatcherState empty() {
    return EMPTY;
  }

  /** Rebuilds a state from its serialized form (a snapshot). */
  @JsonCreator
  static DispatcherState of(
      @JsonProperty("entries") List<Entry> entries, @JsonProperty("lastTicket") long lastTicket) {
    DispatcherState state = EMPTY;
    for (Entry entry : entries) {
      state = state.put(entry);
    }
    return new DispatcherState(state.entries, state.queued, lastTicket);
  }

  /** Every entry, in ticket order; the serialized form. */
  @JsonProperty("entries")
  public List<Entry> entries() {
    return entries.values().stream().sorted(Comparator.comparingLong(Entry::ticket)).toList();
  }

  @JsonProperty("lastTicket")
  public long lastTicket() {
    return lastTicket;
  }

  public Entry entry(String key) {
    return entries.get(key);
  }

  public boolean contains(String key) {
    return entries.containsKey(key);
  }

  /** Keys of the assignments waiting for an agent, highest priority first, then oldest first. */
  public List<String> queuedKeys() {
    return List.copyOf(queued.values());
  }

  /** Entries routed to an agent and not yet finished. */
  public List<Entry> inFlight() {
    return entries.values().stream().filter(e -> e.agentId() != null).toList();
  }

  public int queuedCount() {
    return queued.size();
  }

  public int inFlightCount() {
    return entries.size() - queued.size();
  }

  DispatcherState accepted(Assignment assignment, long ticket, Instant at) {
    DispatcherState next = put(new Entry(assignment, ticket, null, at));
    return new DispatcherState(next.entries, next.queued, Math.max(lastTicket, ticket));
  }

  DispatcherState routed(String key, AgentId agent) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return this;
    }
    return put(entry.routedTo(agent));
  }

  DispatcherState finished(String key) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return this;
    }
    return new DispatcherState(entries.minus(key), queued.minus(Slot.of(entry)), lastTicket);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DispatcherState that
        && lastTicket == that.lastTicket
        && entries().equals(that.entries());
  }

  @Override
  public int hashCode() {
    return Long.hashCode(lastTicket) * 31 + entries.hashCode();
  }

  @Override
  public String toString() {
    return "DispatcherState[queued=" + queued.size() + ", entries=" + entries() + "]";
  }

  private DispatcherState put(Entry entry) {
    PSortedMap<Slot, String> nextQueued =
        entry.agentId() == null
            ? queued.plus(Slot.of(entry), entry.key())
            : queued.minus(Slot.of(entry));
    return new DispatcherState(entries.plus(entry.key(), entry), nextQueued, lastTicket);
  }
}
