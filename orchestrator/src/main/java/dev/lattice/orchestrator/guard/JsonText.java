package dev.lattice.orchestrator.guard;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Consumer;

/** The strings of a JSON document (its values and its field names), for pattern checks. */
final class JsonText {
  private JsonText() {}

  static void strings(JsonNode node, Consumer<String> each) {
    if (node == null) {
      return;
    }
    if (node.isTextual()) {
      each.accept(node.textValue());
    } else if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              field -> {
                each.accept(field.getKey());
                strings(field.getValue(), each);
              });
    } else if (node.isArray()) {
      node.forEach(element -> strings(element, each));
    }
  }
}
