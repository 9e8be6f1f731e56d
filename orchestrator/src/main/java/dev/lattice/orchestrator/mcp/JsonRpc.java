package dev.lattice.orchestrator.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON-RPC 2.0 envelopes and the error codes MCP uses. */
final class JsonRpc {
  static final String VERSION = "2.0";

  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int METHOD_NOT_FOUND = -32601;
  static final int INVALID_PARAMS = -32602;
  static final int INTERNAL_ERROR = -32603;

  /** The server cannot take work now (a tenant's budget is spent, the node is busy). */
  static final int UNAVAILABLE = -32000;

  /** The request names an MCP session this node does not know (ended, expired or elsewhere). */
  static final int SESSION_NOT_FOUND = -32001;

  /** The request's credentials do not allow this method or tool (HTTP's 403). */
  static final int FORBIDDEN = -32003;

  /** A task failed: its run ended as failed. */
  static final int RUN_FAILED = -32010;

  private JsonRpc() {}

  /** A successful response to the request {@code id}. */
  static ObjectNode result(ObjectMapper json, JsonNode id, JsonNode result) {
    ObjectNode response = json.createObjectNode().put("jsonrpc", VERSION);
    response.set("id", id == null ? NullNode.getInstance() : id);
    response.set("result", result);
    return response;
  }

  /** An error response to the request {@code id} (null when the id could not be read). */
  static ObjectNode error(ObjectMapper json, JsonNode id, McpException e) {
    ObjectNode response = json.createObjectNode().put("jsonrpc", VERSION);
    response.set("id", id == null ? NullNode.getInstance() : id);
    response.set("error", errorObject(json, e));
    return response;
  }

  /** The {@code error} member: code, message and data. */
  static ObjectNode errorObject(ObjectMapper json, McpException e) {
    ObjectNode error = json.createObjectNode().put("code", e.code()).put("message", e.getMessage());
    if (e.data() != null) {
      error.set("data", e.data());
    }
    return error;
  }
}
