package dev.lattice.orchestrator.run;

import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.ids.BusKey;

/** Where a run hands its assignments: the executor-dispatcher of a bus key, wherever it lives. */
public interface AssignmentSink {
  /** Queue {@code assignment}; a key the dispatcher already has is ignored. */
  void enqueue(BusKey busKey, Assignment assignment);

  /**
   * Take back the attempt with {@code idempotencyKey}, best-effort: dropped if still queued,
   * cancelled on its agent if running. Its result, if one still comes, is stale to the run.
   */
  void withdraw(BusKey busKey, String idempotencyKey);
}
