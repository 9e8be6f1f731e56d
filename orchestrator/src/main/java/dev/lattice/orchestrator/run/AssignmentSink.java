package dev.lattice.orchestrator.run;

import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.ids.BusKey;

/** Where a run hands its assignments: the executor-dispatcher of a bus key, wherever it lives. */
@FunctionalInterface
public interface AssignmentSink {
  void enqueue(BusKey busKey, Assignment assignment);
}
