package dev.lattice.orchestrator.guard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.worker.action.JsonSchemaCheck;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in {@code tool-schema}: a tool's arguments must match the JSON Schema its agent
 * announced. Schemas come from agents, not plans, and may refer to nothing outside themselves.
 */
final class ToolArgumentSchema implements Guardrail {
  private static final int MAX_ERRORS = 5;

  // Compiled once per distinct schema; agents announce few.
  private final Map<JsonNode, JsonSchemaCheck> compiled = new ConcurrentHashMap<>();

  @Override
  public String check(Guarded guarded) {
    if (guarded.tool() == null || guarded.content() == null) {
      return null;
    }
    JsonSchemaCheck schema;
    try {
      schema =
          compiled.computeIfAbsent(guarded.tool().inputSchema(), JsonSchemaCheck::compileUnchecked);
    } catch (RuntimeException e) {
      return "the tool's schema does not compile: " + e.getMessage();
    }
    List<String> errors = schema.violations(guarded.content());
    if (errors.isEmpty()) {
      return null;
    }
    return "the arguments do not match the tool's schema: "
        + errors.stream().limit(MAX_ERRORS).toList();
  }
}
