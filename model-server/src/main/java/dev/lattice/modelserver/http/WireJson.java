package dev.lattice.modelserver.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

/**
 * JSON as the providers write it: snake_case names, unknown request fields ignored (clients send
 * many options the server has no use for, such as tools or metadata).
 */
public final class WireJson {

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private WireJson() {}

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a wire record always serialises", e);
    }
  }

  /** Reads a request body; a body of the wrong shape is the client's error. */
  public static <T> T read(JsonNode body, Class<T> type) {
    try {
      return MAPPER.treeToValue(body, type);
    } catch (JsonProcessingException e) {
      throw new RequestRejected(
          ModelError.invalidRequest("the request body is not valid: " + e.getOriginalMessage()));
    }
  }

  /** Parses a request body's text. */
  public static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new RequestRejected(
          ModelError.invalidRequest("the request body is not JSON: " + e.getOriginalMessage()));
    }
  }
}
