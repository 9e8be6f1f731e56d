package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lattice.protocol.CborSerializable;

/**
 * Who intervenes in a run and why; recorded in the intervention's event.
 *
 * @param actor who intervenes (a person, a service); {@code api} when not given
 * @param reason why, free text, may be absent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Intervention(String actor, String reason) implements CborSerializable {
  /** The actor recorded when a request names none. */
  public static final String DEFAULT_ACTOR = "api";

  /** The longest actor or reason accepted. */
  public static final int MAX_LENGTH = 1000;

  public Intervention {
    actor = actor == null || actor.isBlank() ? DEFAULT_ACTOR : actor;
    if (actor.length() > MAX_LENGTH || (reason != null && reason.length() > MAX_LENGTH)) {
      throw new IllegalArgumentException(
          "actor and reason are at most " + MAX_LENGTH + " characters");
    }
  }
}
