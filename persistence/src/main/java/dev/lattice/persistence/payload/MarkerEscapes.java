package dev.lattice.persistence.payload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keeps a payload's own {@code $payload} fields apart from references. In a row that holds
 * references, a field named {@code $payload} (or {@code $$payload}, and so on) of the event's own
 * data is written with one more {@code $}, and read back with one fewer: only the journal's
 * references are named exactly {@code $payload}, so nothing a run is given can pass for one.
 */
final class MarkerEscapes {
  private MarkerEscapes() {}

  /** {@code object}, or a copy of it whose marker-like field names carry one more {@code $}. */
  static ObjectNode escape(ObjectNode object) {
    return rename(object, 1);
  }

  /** {@code object}, or a copy of it whose escaped field names carry one {@code $} fewer. */
  static ObjectNode unescape(ObjectNode object) {
    return rename(object, -1);
  }

  private static ObjectNode rename(ObjectNode object, int dollars) {
    boolean any = false;
    for (String name : fieldNames(object)) {
      any |= markerLike(name, dollars > 0 ? 1 : 2);
    }
    if (!any) {
      return object;
    }
    // A copy keeps the fields in their order, which a payload's reader may care about.
    ObjectNode renamed = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      String name = field.getKey();
      if (markerLike(name, dollars > 0 ? 1 : 2)) {
        name = dollars > 0 ? "$" + name : name.substring(1);
      }
      renamed.set(name, field.getValue());
    }
    return renamed;
  }

  /** Whether {@code name} is {@code payload} after at least {@code fewest} dollar signs. */
  private static boolean markerLike(String name, int fewest) {
    int dollars = 0;
    while (dollars < name.length() && name.charAt(dollars) == '$') {
      dollars++;
    }
    return dollars >= fewest && name.length() - dollars == 7 && name.endsWith("payload");
  }

  private static List<String> fieldNames(ObjectNode object) {
    List<String> names = new ArrayList<>(object.size());
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
