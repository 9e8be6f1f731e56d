package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.run.StateEntry;
import dev.lattice.protocol.run.StateScope;
import java.time.Instant;
import java.util.List;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;

/**
 * A run's shared state: each key as its latest write left it, a private key once per step that
 * wrote it. Immutable, like the run state that holds it.
 */
final class RunVariables {
  static final RunVariables EMPTY = new RunVariables(HashTreePMap.empty());

  // By key; a private key by step and key, so that steps keep their own.
  private final PMap<String, StateEntry> entries;

  private RunVariables(PMap<String, StateEntry> entries) {
    this.entries = entries;
  }

  static RunVariables of(List<StateEntry> entries) {
    RunVariables variables = EMPTY;
    for (StateEntry entry : entries) {
      variables = variables.written(entry);
    }
    return variables;
  }

  /** These variables with {@code entry} written. */
  RunVariables written(StateEntry entry) {
    return new RunVariables(entries.plus(slot(entry), entry));
  }

  /** Every entry, in no particular order. */
  List<StateEntry> entries() {
    return List.copyOf(entries.values());
  }

  /**
   * What {@code reader} sees at {@code at}, by key: the shared keys, the temporary ones not yet
   * expired, and its own private ones, which win over a shared key of the same name.
   */
  ObjectNode visibleTo(String reader, Instant at) {
    ObjectNode visible = JsonNodeFactory.instance.objectNode();
    for (StateEntry entry : entries.values()) {
      if (entry.scope() != StateScope.PRIVATE && entry.visibleTo(reader, at)) {
        visible.set(entry.key(), entry.value());
      }
    }
    for (StateEntry entry : entries.values()) {
      if (entry.scope() == StateScope.PRIVATE && entry.visibleTo(reader, at)) {
        visible.set(entry.key(), entry.value());
      }
    }
    return visible;
  }

  private static String slot(StateEntry entry) {
    return entry.scope() == StateScope.PRIVATE ? entry.stepId() + "/" + entry.key() : entry.key();
  }
}
