package dev.lattice.orchestrator.run.core;

import dev.lattice.protocol.run.RunChange;
import java.util.List;

/**
 * What a decision about a run comes to: the events to persist, and the agent steps whose latest
 * attempt goes to a dispatcher once they are written (dispatched by these events and still
 * dispatched after them, in a run that is running).
 *
 * @param events the events, in order
 * @param dispatched the ids of the steps to send, in plan order
 */
public record Decided(List<RunChange> events, List<String> dispatched) {
  /** Nothing to write, nothing to send. */
  public static final Decided NOTHING = new Decided(List.of(), List.of());

  /** Events that dispatch nothing. */
  static Decided of(List<RunChange> events) {
    return events.isEmpty() ? NOTHING : new Decided(events, List.of());
  }

  /** Whether there is nothing to write. */
  public boolean isEmpty() {
    return events.isEmpty();
  }
}
