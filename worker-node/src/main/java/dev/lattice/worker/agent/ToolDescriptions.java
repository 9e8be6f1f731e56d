package dev.lattice.worker.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import dev.lattice.protocol.agent.ToolEffect;
import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.protocol.json.LatticeJson;
import java.util.HashMap;
import java.util.Map;

/**
 * Tools described in configuration, {@code lattice.worker.tools.CAPABILITY { description,
 * input-schema, effect }}: how operators offer a capability whose action says nothing of itself (a
 * shell command, an application's action) to models.
 */
final class ToolDescriptions {
  private ToolDescriptions() {}

  static Map<String, ToolSpec> fromConfig(Config tools) {
    Map<String, ToolSpec> specs = new HashMap<>();
    for (String capability : tools.root().keySet()) {
      Config c = tools.getConfig("\"" + capability + "\"");
      specs.put(
          capability,
          new ToolSpec(
              c.getString("description"),
              schemaOf(capability, c),
              c.hasPath("effect") ? ToolEffect.fromWire(c.getString("effect")) : null));
    }
    return specs;
  }

  private static JsonNode schemaOf(String capability, Config c) {
    String rendered = c.getValue("input-schema").render(ConfigRenderOptions.concise());
    try {
      JsonNode schema = LatticeJson.mapper().readTree(rendered);
      if (schema.isTextual()) {
        schema = LatticeJson.mapper().readTree(schema.textValue());
      }
      if (!schema.isObject()) {
        throw new IllegalArgumentException(
            "lattice.worker.tools." + capability + ".input-schema must be a JSON Schema object");
      }
      return schema;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "lattice.worker.tools." + capability + ".input-schema is not JSON: " + e.getMessage(), e);
    }
  }
}
