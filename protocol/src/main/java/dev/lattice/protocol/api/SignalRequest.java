package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.json.CanonicalJson;

/**
 * A signal for the wait steps of a run that wait for it by name, such as a human approval.
 *
 * @param stepId the waiting step the signal is for; needed only when several steps wait for the
 *     same name at once
 * @param data what the signal carries; it becomes the step's output ({@code {}} when absent)
 * @param actor who sends it; {@code api} when not given
 * @param reason why, free text, may be absent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SignalRequest(String stepId, JsonNode data, String actor, String reason)
    implements CborSerializable {
  public SignalRequest {
    data = CanonicalJson.of(data);
  }

  /** Who sends the signal and why, checked like any intervention's. */
  public Intervention intervention() {
    return new Intervention(actor, reason);
  }
}
