package dev.lattice.orchestrator.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lattice.protocol.json.LatticeJson;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between JSON trees and the plain Java values expression engines work on: maps, lists,
 * strings, booleans, {@code Long} for integers and {@code Double} for other numbers (CEL's int and
 * double), and {@code null}.
 */
final class JsonValues {
  private JsonValues() {}

  static Object toJava(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> entry : node.properties()) {
        map.put(entry.getKey(), toJava(entry.getValue()));
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      node.forEach(element -> list.add(toJava(element)));
      return list;
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.asText();
  }

  static JsonNode toJson(Object value) {
    if (value == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p53) {
      // JSONata computes in doubles; 3.0 is shown as 3, like JSON users expect, and held as a
      // long like every integer the API reads.
      return JsonNodeFactory.instance.numberNode(d.longValue());
    }
    if (value instanceof Double d) {
      return JsonNodeFactory.instance.numberNode(BigDecimal.valueOf(d));
    }
    return LatticeJson.mapper().valueToTree(value);
  }
}
