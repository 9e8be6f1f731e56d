package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * An answer checked against the schema its step asked for: the JSON it holds, or why it was
 * rejected.
 *
 * @param json the answer read as JSON; null when it was rejected
 * @param errors why it was rejected; empty when it was accepted
 */
record CheckedAnswer(JsonNode json, List<String> errors) {
  CheckedAnswer {
    errors = List.copyOf(errors);
  }

  static CheckedAnswer accepted(JsonNode json) {
    return new CheckedAnswer(json, List.of());
  }

  static CheckedAnswer rejected(List<String> errors) {
    return new CheckedAnswer(null, errors);
  }

  boolean accepted() {
    return json != null;
  }
}
