package dev.lattice.orchestrator.mcp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One JSON-RPC 2.0 message as the client sent it.
 *
 * @param method the method of a request or notification; null for a response
 * @param id the id of a request (a string or a number); null for a notification or a response
 * @param params the parameters, or null
 */
record JsonRpcMessage(String method, JsonNode id, JsonNode params) {

  /**
   * {@code message} read as JSON-RPC 2.0.
   *
   * @throws McpException ({@code invalid request}) when it is not one message of JSON-RPC 2.0
   */
  static JsonRpcMessage of(JsonNode message) {
    if (message == null || message.isMissingNode()) {
      throw invalid("the body is empty");
    }
    if (message.isArray()) {
      throw invalid("send one message per request: batches are not part of MCP since 2025-06-18");
    }
    if (!message.isObject() || !JsonRpc.VERSION.equals(message.path("jsonrpc").asText(null))) {
      throw invalid("a message is a JSON object with \"jsonrpc\": \"2.0\"");
    }
    JsonNode method = message.get("method");
    if (method == null) {
      if (message.has("result") || message.has("error")) {
        return new JsonRpcMessage(null, null, null);
      }
      throw invalid("a message needs a method, or a result or error");
    }
    if (!method.isTextual()) {
      throw invalid("\"method\" must be a string");
    }
    JsonNode id = message.get("id");
    if (id != null && !(id.isTextual() || id.isIntegralNumber())) {
      throw invalid("\"id\" must be a string or a whole number");
    }
    return new JsonRpcMessage(method.asText(), id, message.get("params"));
  }

  private static McpException invalid(String why) {
    return new McpException(JsonRpc.INVALID_REQUEST, why);
  }
}
