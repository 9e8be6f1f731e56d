package dev.lattice.protocol.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Map;

/**
 * JSON values in the one form the journal gives back: whole numbers as {@code long} (or big
 * integers), other numbers as {@link BigDecimal}. Both mappers read numbers that way; a value built
 * in Java ({@code put("n", 1)}, a double) is brought to the same form before it enters an event, so
 * that a run's state after a replay equals the state it decided with.
 */
public final class CanonicalJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private CanonicalJson() {}

  /** {@code value} in canonical form: the same instance when it already is. */
  public static JsonNode of(JsonNode value) {
    return value == null || isCanonical(value) ? value : convert(value);
  }

  private static boolean isCanonical(JsonNode value) {
    if (value.isContainerNode()) {
      for (JsonNode child : value) {
        if (!isCanonical(child)) {
          return false;
        }
      }
      return true;
    }
    if (value.isNumber()) {
      return value.isLong() || value.isBigInteger() || value.isBigDecimal();
    }
    return true;
  }

  private static JsonNode convert(JsonNode value) {
    if (value.isObject()) {
      ObjectNode copy = NODES.objectNode();
      for (Map.Entry<String, JsonNode> field : value.properties()) {
        copy.set(field.getKey(), convert(field.getValue()));
      }
      return copy;
    }
    if (value.isArray()) {
      ArrayNode copy = NODES.arrayNode(value.size());
      value.forEach(child -> copy.add(convert(child)));
      return copy;
    }
    if (value.isInt() || value.isShort()) {
      return NODES.numberNode(value.longValue());
    }
    if (value.isFloat() || value.isDouble()) {
      // As the text a mapper writes for it, which is what a reader parses back.
      return NODES.numberNode(new BigDecimal(value.asText()));
    }
    return value;
  }
}
