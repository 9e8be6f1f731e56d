package dev.lattice.worker.action.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.ToolEffect;
import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.protocol.json.LatticeJson;

/**
 * The http action as a tool: the JSON Schema of its input, and {@code unsafe}, since a POST can do
 * anything. A target that deduplicates by {@code Idempotency-Key} may be declared {@code keyed} in
 * {@code lattice.worker.tools}.
 */
final class HttpTool {
  private static final String SCHEMA =
      """
      {"type": "object", "additionalProperties": false, "required": ["url"],
       "properties": {
         "method": {"type": "string",
                    "enum": ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
                    "description": "The HTTP method; GET when left out."},
         "url": {"type": "string", "description": "An http or https URL of an allowed host."},
         "headers": {"type": "object", "description": "Header names to values.",
                     "additionalProperties": {"type": ["string", "number", "boolean"]}},
         "query": {"type": "object", "description": "Query parameters, added to the URL's.",
                   "additionalProperties": {"type": ["string", "number", "boolean", "array"],
                                            "items": {"type": ["string", "number", "boolean"]}}},
         "body": {"description": "A JSON value, sent as application/json, or a text."},
         "maxResponseBytes": {"type": "integer", "minimum": 1,
                              "description": "The largest response body to accept."}}}
      """;

  static final ToolSpec SPEC =
      new ToolSpec(
          "Sends one HTTP request to an allowed host and returns its status, headers and body"
              + " (parsed when it is JSON).",
          schema(),
          ToolEffect.UNSAFE);

  private HttpTool() {}

  private static JsonNode schema() {
    try {
      return LatticeJson.mapper().readTree(SCHEMA);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the http tool's schema is not JSON", e);
    }
  }
}
