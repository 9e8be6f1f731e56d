package dev.lattice.orchestrator.run;

import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.ids.BusKey;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Where a run entity under test hands its assignments: kept, in order, for the test to read. */
final class RecordingAssignments implements AssignmentSink {
  /** The assignments sent, in order. */
  final ConcurrentLinkedQueue<Assignment> sent = new ConcurrentLinkedQueue<>();

  /** The idempotency keys withdrawn, in order. */
  final ConcurrentLinkedQueue<String> withdrawn = new ConcurrentLinkedQueue<>();

  @Override
  public void enqueue(BusKey busKey, Assignment assignment) {
    sent.add(assignment);
  }

  @Override
  public void withdraw(BusKey busKey, String idempotencyKey) {
    withdrawn.add(idempotencyKey);
  }
}
