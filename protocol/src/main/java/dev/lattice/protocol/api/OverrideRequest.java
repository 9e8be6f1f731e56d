package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.json.CanonicalJson;

/**
 * Completes a failed or waiting step of a run with a given output, as if it had succeeded.
 *
 * @param output the step's output; required
 * @param actor who overrides; {@code api} when not given
 * @param reason why, free text, may be absent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OverrideRequest(JsonNode output, String actor, String reason)
    implements CborSerializable {
  public OverrideRequest {
    if (output == null || output.isMissingNode() || output.isNull()) {
      throw new IllegalArgumentException("an override needs an 'output'");
    }
    output = CanonicalJson.of(output);
  }

  /** Who overrides and why, checked like any intervention's. */
  public Intervention intervention() {
    return new Intervention(actor, reason);
  }
}
