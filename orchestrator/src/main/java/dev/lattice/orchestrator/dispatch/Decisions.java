package dev.lattice.orchestrator.dispatch;

import dev.lattice.orchestrator.dispatch.DispatchLog.Accepted;
import dev.lattice.orchestrator.dispatch.DispatchLog.Route;
import dev.lattice.protocol.audit.AuditEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * What one message made a dispatcher decide before it routes its queue: assignments accepted,
 * routed (or sent back to the queue) and finished, and audit notes for the policy decisions behind
 * them. Each caller names only what it decided, starting from {@link #NONE} or one of the
 * factories; the rest stays the shared empty list, so deciding nothing allocates nothing.
 */
record Decisions(
    List<Accepted> accepted, List<Route> routes, List<String> finished, List<AuditEntry> notes) {

  /** Nothing decided: the dispatcher only routes what is queued. */
  static final Decisions NONE = new Decisions(List.of(), List.of(), List.of(), List.of());

  /** {@code accepted} joins the queue. */
  static Decisions accept(Accepted accepted) {
    return new Decisions(List.of(accepted), List.of(), List.of(), List.of());
  }

  /** The assignment with {@code key} goes back to the queue. */
  static Decisions requeue(String key) {
    return new Decisions(List.of(), List.of(new Route(key, null)), List.of(), List.of());
  }

  /** The assignment with {@code key} is finished. */
  static Decisions finish(String key) {
    return new Decisions(List.of(), List.of(), List.of(key), List.of());
  }

  /** Only {@code note} is recorded. */
  static Decisions note(AuditEntry note) {
    return new Decisions(List.of(), List.of(), List.of(), List.of(note));
  }

  /** These decisions, with {@code routes} instead of the routes so far. */
  Decisions routing(List<Route> routes) {
    return new Decisions(accepted, routes, finished, notes);
  }

  /** These decisions, with {@code finished} instead of the keys finished so far. */
  Decisions finishing(List<String> finished) {
    return new Decisions(accepted, routes, finished, notes);
  }

  /** These decisions, with {@code earlier} notes before their own. */
  Decisions notingFirst(List<AuditEntry> earlier) {
    if (earlier.isEmpty()) {
      return this;
    }
    List<AuditEntry> all = new ArrayList<>(earlier);
    all.addAll(notes);
    return new Decisions(accepted, routes, finished, all);
  }

  /** These decisions, with {@code notes} instead of the notes so far. */
  Decisions noting(List<AuditEntry> notes) {
    return new Decisions(accepted, routes, finished, notes);
  }
}
