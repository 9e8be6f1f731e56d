package dev.lattice.worker.agent;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.AssignmentResult;
import java.util.List;
import java.util.Optional;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;
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
      new WorkerState(HashTreePMap.empty(), TreePVector.empty());

  private final PMap<String, AssignmentResult> byKey;
  private final PVector<String> order;

  private WorkerState(PMap<String, AssignmentResult> byKey, PVector<String> order) {
    this.byKey = byKey;
    this.order = order;
  }

  public static WorkerState empty() {
    return EMPTY;
  }

  /** Rebuilds a state from its serialized form (a snapshot). */
  @JsonCreator
  public static WorkerState of(@JsonProperty("results") List<AssignmentResult> results) {
    return EMPTY.record(results == null ? List.of() : results, Integer.MAX_VALUE);
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
    for (AssignmentResult result : results) {
      if (!map.containsKey(result.idempotencyKey())) {
        keys = keys.plus(result.idempotencyKey());
      }
      map = map.plus(result.idempotencyKey(), result);
    }
    while (keys.size() > retention) {
      map = map.minus(keys.get(0));
      keys = keys.minus(0);
    }
    return new WorkerState(map, keys);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof WorkerState that && results().equals(that.results());
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
