package dev.lattice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/** Reading the live {@code step.delta} events of a run's stream. */
final class DeltaEvents {
  static final String TYPE = "step.delta";

  private DeltaEvents() {}

  static boolean isDelta(String type) {
    return TYPE.equals(type);
  }

  /** When the worker's client received the delta's text. */
  static Optional<Instant> receivedAt(JsonNode event) {
    JsonNode at = event.path("data").path("at");
    if (at.isNumber()) {
      return Optional.of(Instant.ofEpochMilli(at.asLong()));
    }
    return at.isTextual() ? Optional.of(Instant.parse(at.asText())) : Optional.empty();
  }
}
