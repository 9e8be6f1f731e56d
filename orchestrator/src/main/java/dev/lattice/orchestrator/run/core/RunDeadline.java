package dev.lattice.orchestrator.run.core;

import dev.lattice.protocol.CborSerializable;
import java.time.Instant;

/**
 * A moment at which a run must look at itself again: a retry falls due, a wait ends, an attempt
 * times out, the run's deadline passes. Every one but the heartbeat follows from persisted times,
 * so recovery re-arms it exactly; a heartbeat's is counted from the last heartbeat heard.
 *
 * @param kind what falls due
 * @param stepId the step concerned; {@code null} for the run's deadline
 * @param attempt the attempt concerned; 0 where none applies
 * @param at when
 */
public record RunDeadline(Kind kind, String stepId, int attempt, Instant at)
    implements CborSerializable {

  /** What falls due. */
  public enum Kind {
    /** The next attempt of a step in retry_wait is dispatched. */
    RETRY,
    /** A wait step's timer fires, or its signal times out. */
    WAIT,
    /** No agent picked up a dispatched attempt in time. */
    SCHEDULE_TO_START,
    /** A running attempt took too long (the agent enforces it too; this catches a lost agent). */
    START_TO_CLOSE,
    /** A running attempt went silent for longer than its heartbeat timeout. */
    HEARTBEAT,
    /** The whole run took too long. */
    RUN;

    /** Whether it ends an attempt in flight (which must then be taken back from its agent). */
    public boolean endsAttempt() {
      return this == SCHEDULE_TO_START || this == START_TO_CLOSE || this == HEARTBEAT;
    }
  }

  /** The timer key: one timer per kind, step and attempt. */
  public String key() {
    return kind + "/" + stepId + "/" + attempt;
  }
}
