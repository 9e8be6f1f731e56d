package dev.lattice.worker.agent;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.AssignmentResult;
import java.util.List;
import java.util.Optional;
import org.pcollections.HashTreePMap;
import org.pcollections.HashTreePSet;
import org.pcollections.PMap;
import org.pcollections.PSet;
import org.pcollections.PVector;
import org.pcollections.TreePVector;

/**
 * A worker agent's durable state: the results of its most recent assignments by idempotency key,
 * oldest first, at most {@code retention} of them. Immutable; persistent collections keep each
 * update O(log n) instead of copying thousands of entries per event.
 */
// Only the @JsonProperty accessors form the serialized state, not the persistent collections.
@JsonAutoDetect(
    fieldVisibility = JsonAutoDetect.Visibility.NONE,
    getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class WorkerState implements CborSerializable {
  private static final WorkerState EMPTY =
      new WorkerState(HashTreePMap.empty(), TreePVector.empty(), HashTreePSet.empty());

  private final PMap<String, AssignmentResult> byKey;
  private final PVector<String> order;
  // Attempts of unsafe tools that were started and whose result is not recorded yet.
  private final PSet<String> unsafeStarted;

  private WorkerState(
      PMap<String, AssignmentResult> byKey, PVector<String> order, PSet<String> unsafeStarted) {
    this.byKey = byKey;
    this.order = order;
    this.unsafeStarted = unsafeStarted;
  }

  public static WorkerState empty() {
    return EMPTY;
  }

  /** Rebuilds a state from its serialized form (a snapshot). */
  @JsonCreator
  public static WorkerState of(
      @JsonProperty("results") List<AssignmentResult> results,
      @JsonProperty("unsafeStarted") List<String> unsafeStarted) {
    WorkerState recorded = EMPTY.record(results == null ? List.of() : results, Integer.MAX_VALUE);
    return unsafeStarted == null
        ? recorded
        : new WorkerState(recorded.byKey, recorded.order, HashTreePSet.from(unsafeStarted));
  }

  /** The attempts of unsafe tools started and not recorded as finished; serialized form. */
  @JsonProperty("unsafeStarted")
  public List<String> unsafeStarted() {
    return unsafeStarted.stream().sorted().toList();
  }

  /**
   * Whether the attempt with {@code idempotencyKey}, of an unsafe tool, was started and its result
   * never recorded: it may have happened.
   */
  public boolean startedUnsafe(String idempotencyKey) {
    return unsafeStarted.contains(idempotencyKey);
  }

  /** This state with the attempt {@code idempotencyKey} of an unsafe tool started. */
  public WorkerState unsafeCallStarted(String idempotencyKey) {
    return new WorkerState(byKey, order, unsafeStarted.plus(idempotencyKey));
  }

  /** The recorded results, oldest first; the serialized form. */
  @JsonProperty("results")
  public List<AssignmentResult> results() {
    return order.stream().map(byKey::get).toList();
  }

  /** The recorded result of the assignment with {@code idempotencyKey}, if still retained. */
  public Optional<AssignmentResult> result(String idempotencyKey) {
    return Optional.ofNullable(byKey.get(idempotencyKey));
  }

  public int size() {
    return order.size();
  }

  /** This state with {@code results} recorded, keeping only the newest {@code retention}. */
  public WorkerState record(List<AssignmentResult> results, int retention) {
    PMap<String, AssignmentResult> map = byKey;
    PVector<String> keys = order;
    PSet<String> started = unsafeStarted;
    for (AssignmentResult result : results) {
      started = started.minus(result.idempotencyKey());
      if (!map.containsKey(result.idempotencyKey())) {
        keys = keys.plus(result.idempotencyKey());
      }
      map = map.plus(result.idempotencyKey(), result);
    }
    while (keys.size() > retention) {
      map = map.minus(keys.get(0));
      keys = keys.minus(0);
    }
    return new WorkerState(map, keys, started);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof WorkerState that
        && results().equals(that.results())
        && unsafeStarted.equals(that.unsafeStarted);
  }

  @Override
  public int hashCode() {
    return results().hashCode();
  }

  @Override
  public String toString() {
    return "WorkerState" + order;
  }
}
