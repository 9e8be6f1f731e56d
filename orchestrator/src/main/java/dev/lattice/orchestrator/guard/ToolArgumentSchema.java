package dev.lattice.orchestrator.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in {@code tool-schema}: a tool's arguments must match the JSON Schema its agent
 * announced. Schemas come from agents, not plans, and may refer to nothing outside themselves.
 */
final class ToolArgumentSchema implements Guardrail {
  private static final int MAX_ERRORS = 5;
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          builder ->
              builder
                  .schemaRegistryConfig(
                      SchemaRegistryConfig.builder().locale(Locale.ENGLISH).build())
                  .schemaLoader(
                      loader -> loader.allow(iri -> iri.toString().contains("json-schema.org/"))));

  // Compiled once per distinct schema; agents announce few.
  private final Map<JsonNode, Schema> compiled = new ConcurrentHashMap<>();

  @Override
  public String check(Guarded guarded) {
    if (guarded.tool() == null || guarded.content() == null) {
      return null;
    }
    Schema schema;
    try {
      schema = compiled.computeIfAbsent(guarded.tool().inputSchema(), REGISTRY::getSchema);
    } catch (RuntimeException e) {
      return "the tool's schema does not compile: " + e.getMessage();
    }
    List<Error> errors = schema.validate(guarded.content());
    if (errors.isEmpty()) {
      return null;
    }
    return "the arguments do not match the tool's schema: "
        + errors.stream().limit(MAX_ERRORS).map(Error::toString).toList();
  }
}
