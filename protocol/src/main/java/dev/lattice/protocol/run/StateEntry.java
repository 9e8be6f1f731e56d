package dev.lattice.protocol.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.json.CanonicalJson;
import java.time.Instant;
import java.util.Objects;

/**
 * One key of a run's shared state, as its latest write left it.
 *
 * @param key the key
 * @param value its value
 * @param scope who sees it
 * @param stepId the step whose result wrote it
 * @param expiresAt for a temporary key, when it is gone
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StateEntry(
    String key, JsonNode value, StateScope scope, String stepId, Instant expiresAt) {
  public StateEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(scope, "scope");
    value = CanonicalJson.of(value);
  }

  /** Whether {@code reader} sees this entry at {@code at}. */
  public boolean visibleTo(String reader, Instant at) {
    return switch (scope) {
      case SHARED -> true;
      case PRIVATE -> stepId.equals(reader);
      case TEMPORARY -> at == null || at.isBefore(expiresAt);
    };
  }
}
