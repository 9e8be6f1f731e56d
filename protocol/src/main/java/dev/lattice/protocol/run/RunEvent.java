package dev.lattice.protocol.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * The public, streamed form of one journal event of a run: the wire format of DESIGN.md §4.
 *
 * @param runId the run
 * @param seq the journal sequence number; gap-free and strictly increasing per run, from 1
 * @param timestamp when the run decided what the event records
 * @param type dotted type name, e.g. {@code step.succeeded}; see {@link RunEventType}
 * @param stepId the step concerned, for step events
 * @param attempt the attempt concerned, for step events that have one
 * @param data the event's details
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"runId", "seq", "timestamp", "type", "stepId", "attempt", "data"})
public record RunEvent(
    String runId,
    long seq,
    Instant timestamp,
    String type,
    String stepId,
    Integer attempt,
    JsonNode data)
    implements RunStreamElement {

  /** Whether this event ends the run's stream. */
  public boolean terminal() {
    return RunEventType.isTerminal(type);
  }
}
