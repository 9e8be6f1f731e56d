package dev.lattice.orchestrator.mcp;

import com.fasterxml.jackson.databind.JsonNode;

/** A JSON-RPC error to answer a request with: what the client sent cannot be served. */
final class McpException extends RuntimeException {
  private final int code;
  private final transient JsonNode data;

  McpException(int code, String message, JsonNode data) {
    super(message, null, false, false);
    this.code = code;
    this.data = data;
  }

  McpException(int code, String message) {
    this(code, message, null);
  }

  int code() {
    return code;
  }

  /** Details for the client (the offending field, the schema's complaints), or null. */
  JsonNode data() {
    return data;
  }
}
