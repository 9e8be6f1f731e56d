package dev.lattice.orchestrator.http;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;

/**
 * How deep and how long the JSON of a request body may be ({@code lattice.http.json}). Everything a
 * request carries is persisted, sent between nodes and read back by Jackson with its own limits
 * (the journal's serializer accepts 1000 levels of nesting); a body is refused at the door when it
 * would be refused later, where the refusal would fail a run, a dispatcher or an agent instead of
 * the request.
 *
 * @param maxDepth the deepest nesting of objects and arrays, counting the body itself as one
 * @param maxStringLength the longest string value, in characters
 * @param maxNumberLength the longest number, in characters
 * @param maxNameLength the longest field name, in characters
 */
public record JsonLimits(
    int maxDepth, int maxStringLength, int maxNumberLength, int maxNameLength) {

  public static JsonLimits create(Config json) {
    return new JsonLimits(
        json.getInt("max-depth"),
        json.getInt("max-string-length"),
        json.getInt("max-number-length"),
        json.getInt("max-name-length"));
  }

  /** The limits as Jackson enforces them while it reads. */
  public StreamReadConstraints constraints() {
    return StreamReadConstraints.builder()
        .maxNestingDepth(maxDepth)
        .maxStringLength(maxStringLength)
        .maxNumberLength(maxNumberLength)
        .maxNameLength(maxNameLength)
        .build();
  }

  /** A copy of {@code mapper} that reads within these limits; {@code mapper} is left as it was. */
  public ObjectMapper applyTo(ObjectMapper mapper) {
    ObjectMapper limited = mapper.copy();
    limited.getFactory().setStreamReadConstraints(constraints());
    return limited;
  }
}
