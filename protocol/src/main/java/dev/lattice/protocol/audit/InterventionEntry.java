package dev.lattice.protocol.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;

/**
 * One intervention in a run, as its audit chain records it: who did what, when, with what verdict
 * and why. Only interventions the run accepted change it, and only those are recorded (a refused
 * one changes nothing and is answered 409; a finished run never writes again).
 *
 * @param at when the run accepted it
 * @param type what: {@code pause}, {@code resume}, {@code cancel}, {@code signal}, {@code override}
 *     or {@code retry}
 * @param stepId the step concerned (signal, override, retry), else absent
 * @param signal the signal's name, for a signal
 * @param actor who (as the request named it, {@code api} when it named none)
 * @param reason why, if given
 * @param verdict what the run did with it: {@code accepted}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InterventionEntry(
    Instant at,
    String type,
    String stepId,
    String signal,
    String actor,
    String reason,
    String verdict) {
  /** The verdict of an intervention the run carried out. */
  public static final String ACCEPTED = "accepted";

  public InterventionEntry {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(verdict, "verdict");
  }

  /** An accepted intervention of {@code type} by {@code actor}. */
  public static InterventionEntry accepted(
      Instant at, String type, String stepId, String signal, String actor, String reason) {
    return new InterventionEntry(at, type, stepId, signal, actor, reason, ACCEPTED);
  }
}
