package dev.lattice.orchestrator.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.ids.RunId;

/** Reading a request's {@code params}, with clear errors for what is missing or wrong. */
final class Params {
  private Params() {}

  /** The string {@code field} of {@code params}. */
  static String text(JsonNode params, String field) {
    JsonNode value = params == null ? null : params.get(field);
    if (value == null || !value.isTextual()) {
      throw new McpException(
          JsonRpc.INVALID_PARAMS, "params." + field + " is required and must be a string");
    }
    return value.asText();
  }

  /** A run (or task) id; one that cannot exist is reported like one that does not. */
  static RunId runId(String value) {
    try {
      return RunId.of(value);
    } catch (IllegalArgumentException e) {
      throw new McpException(JsonRpc.INVALID_PARAMS, "no run or task has the id '" + value + "'");
    }
  }
}
