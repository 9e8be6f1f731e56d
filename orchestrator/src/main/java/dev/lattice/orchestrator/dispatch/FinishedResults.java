package dev.lattice.orchestrator.dispatch;

import dev.lattice.protocol.agent.AssignmentResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attempts a dispatcher finished lately and what their runs were told, so that a late or
 * repeated message about one is recognised: a run that sends a finished attempt again hears its
 * result again instead of the attempt running twice. It holds the latest {@code capacity} keys and
 * forgets the oldest first, which bounds a dispatcher's memory.
 */
final class FinishedResults {
  private final Map<String, AssignmentResult> told;

  FinishedResults(int capacity) {
    // Insertion order, so the eldest entry is the key finished longest ago.
    this.told =
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, AssignmentResult> eldest) {
            return size() > capacity;
          }
        };
  }

  /**
   * Remembers that {@code key} finished and its run was told {@code result}; null when the run was
   * told nothing because it took the attempt back itself.
   */
  void remember(String key, AssignmentResult result) {
    told.put(key, result);
  }

  /** Whether {@code key} finished lately. */
  boolean contains(String key) {
    return told.containsKey(key);
  }

  /** What the run of {@code key} was told; null if nothing, or if the key is not remembered. */
  AssignmentResult told(String key) {
    return told.get(key);
  }
}
