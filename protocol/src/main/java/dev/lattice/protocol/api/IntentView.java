package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A named intent a client may run: a plan template and what its payload should look like.
 *
 * @param name the intent's name, as {@code intent} of an execute request gives it
 * @param description what running it does, for people and models; may be absent
 * @param payloadSchema the JSON Schema its payload must match; absent when the template states
 *     none, and then any payload is accepted
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IntentView(String name, String description, JsonNode payloadSchema) {
  public IntentView {
    Objects.requireNonNull(name, "name");
  }
}
