package dev.lattice.protocol.log;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a run's log, as the API shows it: what an agent wrote, what a dispatcher decided, or
 * what the run itself did. New fields may be added (an attempt's trace and span ids, say); clients
 * ignore those they do not know.
 *
 * @param at when it happened
 * @param level how much it matters
 * @param source who wrote it: an agent's id, {@link #DISPATCHER} or {@link #RUN}
 * @param stepId the step it concerns; absent for the run as a whole
 * @param attempt the step's attempt it concerns, if any
 * @param message the entry's text
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunLogEntry(
    Instant at, LogLevel level, String source, String stepId, Integer attempt, String message) {
  /** The source of a dispatcher's decisions. */
  public static final String DISPATCHER = "dispatcher";

  /** The source of what the run itself decided: retries, failures, its end, interventions. */
  public static final String RUN = "run";

  public RunLogEntry {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(source, "source");
    message = Objects.requireNonNullElse(message, "");
  }
}
