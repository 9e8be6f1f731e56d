package dev.lattice.orchestrator.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.api.IntentView;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.worker.action.JsonSchemaCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Named plan templates: what an {@code intent} turns into. Templates are plans in the wire format,
 * whose inputs refer to the run payload with {@code ${payload...}} placeholders; the built-in ones
 * ship as resources and an operator can add more as {@code NAME.json} files in a directory.
 *
 * <p>Beside the plan's fields a template may say what it does ({@code description}) and what its
 * payload must look like ({@code payloadSchema}, a JSON Schema): clients such as MCP hosts show
 * them, and a payload that does not match the schema is refused before a run starts.
 */
public final class TemplateRegistry {
  private static final String DESCRIPTION = "description";
  private static final String PAYLOAD_SCHEMA = "payloadSchema";

  private final Map<String, Template> templates;

  /** A template: its plan, how it describes itself, and its payload schema compiled (or null). */
  private record Template(PlanSpec plan, IntentView intent, JsonSchemaCheck schema) {}

  private TemplateRegistry(Map<String, Template> templates) {
    // Sorted, so that the names are listed the same way in every error message.
    this.templates = Collections.unmodifiableSortedMap(new TreeMap<>(templates));
  }

  /**
   * Loads {@code builtIn} (name to classpath resource) and every {@code *.json} file of {@code
   * directory} (when not null), the latter overriding the former by name.
   *
   * @throws IllegalArgumentException if a template cannot be read or parsed
   */
  public static TemplateRegistry load(Map<String, String> builtIn, Path directory) {
    ObjectMapper json = LatticeJson.mapper();
    Map<String, Template> loaded = new TreeMap<>();
    builtIn.forEach((name, resource) -> loaded.put(name, readResource(json, name, resource)));
    if (directory != null) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
        for (Path file : files) {
          String name = file.getFileName().toString().replaceFirst("\\.json$", "");
          loaded.put(name, read(json, name, Files.newInputStream(file)));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read templates from " + directory, e);
      }
    }
    return new TemplateRegistry(loaded);
  }

  private static Template readResource(ObjectMapper json, String name, String resource) {
    InputStream in = TemplateRegistry.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalArgumentException("template '" + name + "': no resource " + resource);
    }
    return read(json, name, in);
  }

  private static Template read(ObjectMapper json, String name, InputStream in) {
    try (in) {
      JsonNode document = json.readTree(in);
      if (!(document instanceof ObjectNode fields)) {
        throw new IllegalArgumentException("template '" + name + "' is not a JSON object");
      }
      JsonNode description = fields.remove(DESCRIPTION);
      JsonNode schema = fields.remove(PAYLOAD_SCHEMA);
      if (description != null && !description.isTextual()) {
        throw new IllegalArgumentException("template '" + name + "': description is not a string");
      }
      if (schema != null && !schema.isObject()) {
        throw new IllegalArgumentException(
            "template '" + name + "': payloadSchema is not a JSON Schema object");
      }
      PlanSpec plan = json.treeToValue(fields, PlanSpec.class);
      return new Template(
          plan,
          new IntentView(name, description == null ? null : description.asText(), schema),
          schema == null ? null : compile(name, schema));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "template '" + name + "' is not a valid plan: " + e.getMessage(), e);
    }
  }

  private static JsonSchemaCheck compile(String name, JsonNode schema) {
    try {
      return JsonSchemaCheck.compile(schema);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "template '" + name + "': payloadSchema is " + e.getMessage(), e);
    }
  }

  /**
   * What is wrong with {@code payload} for the intent {@code name}, each as {@code where: what};
   * empty when it matches the intent's schema, or the intent has none. An absent payload is checked
   * as an empty object, which templates read as "all defaults".
   */
  public List<String> payloadViolations(String name, JsonNode payload) {
    Template template = templates.get(name);
    if (template == null || template.schema() == null) {
      return List.of();
    }
    JsonNode checked =
        payload == null || payload.isNull() ? LatticeJson.mapper().createObjectNode() : payload;
    return template.schema().violations(checked);
  }

  public Optional<PlanSpec> find(String name) {
    return Optional.ofNullable(templates.get(name)).map(Template::plan);
  }

  /** Every intent, by name, with its description and payload schema. */
  public List<IntentView> intents() {
    return templates.values().stream().map(Template::intent).toList();
  }

  public Set<String> names() {
    return templates.keySet();
  }
}
