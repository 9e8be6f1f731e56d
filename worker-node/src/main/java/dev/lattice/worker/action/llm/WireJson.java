package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.worker.action.ActionException;

/** Reading and writing the JSON of provider protocols. */
final class WireJson {
  private WireJson() {}

  static ObjectMapper mapper() {
    return LatticeJson.mapper();
  }

  /**
   * {@code text} read as JSON.
   *
   * @throws ActionException ({@code agent_error}) when it is not JSON: the provider broke its
   *     protocol, which is no fault of the step
   */
  static JsonNode parse(String text, String what) {
    try {
      return mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new ActionException(
          ErrorClass.AGENT_ERROR,
          what + " is not valid JSON: " + e.getOriginalMessage(),
          null,
          null);
    }
  }

  /** {@code text} read as JSON, or a missing node when it is not. */
  static JsonNode parseOrMissing(String text) {
    try {
      return mapper().readTree(text);
    } catch (JsonProcessingException e) {
      return MissingNode.getInstance();
    }
  }

  /** The text at {@code field}, null when absent or null. */
  static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isMissingNode() || value.isNull() ? null : value.asText();
  }

  static byte[] bytes(JsonNode body) {
    try {
      return mapper().writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always writes", e);
    }
  }

  static ActionException broken(String message) {
    return new ActionException(ErrorClass.AGENT_ERROR, message);
  }
}
