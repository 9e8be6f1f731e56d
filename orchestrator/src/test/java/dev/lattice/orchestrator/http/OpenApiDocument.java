package dev.lattice.orchestrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code docs/openapi.yaml}, read for tests: its operations, their responses, and validation of
 * JSON against its schemas (JSON Schema draft 2020-12 with OpenAPI 3.1's vocabulary).
 */
final class OpenApiDocument {
  /** Where the description lives, from the orchestrator module's directory. */
  static final Path FILE = Path.of("..", "docs", "openapi.yaml");

  /** The name the validator knows the whole document by; its {@code $ref}s resolve into it. */
  private static final String IRI = "https://lattice.dev/api/v1/openapi.json";

  static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");

  /** One operation: a method on a path template. */
  record Operation(String path, String method, JsonNode node) {
    /** The statuses it describes. */
    List<String> statuses() {
      List<String> statuses = new ArrayList<>();
      node.get("responses").fieldNames().forEachRemaining(statuses::add);
      return statuses;
    }

    @Override
    public String toString() {
      return method.toUpperCase(Locale.ROOT) + " " + path;
    }
  }

  private final JsonNode root;
  private final SchemaRegistry registry;
  private final AtomicInteger schemas = new AtomicInteger();

  private OpenApiDocument(JsonNode root) {
    this.root = root;
    String json = root.toString();
    this.registry =
        SchemaRegistry.withDefaultDialect(
            Dialects.getOpenApi31(), builder -> builder.schemas(Map.of(IRI, json)));
  }

  static OpenApiDocument read() {
    try {
      return new OpenApiDocument(new ObjectMapper(new YAMLFactory()).readTree(FILE.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes() {
    try {
      return Files.readAllBytes(FILE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode root() {
    return root;
  }

  /** Every operation, in the document's order. */
  List<Operation> operations() {
    List<Operation> operations = new ArrayList<>();
    root.get("paths")
        .fields()
        .forEachRemaining(
            path -> {
              for (String method : METHODS) {
                if (path.getValue().has(method)) {
                  operations.add(new Operation(path.getKey(), method, path.getValue().get(method)));
                }
              }
            });
    return operations;
  }

  /** The response object {@code operation} describes for {@code status}, its reference followed. */
  Optional<JsonNode> response(Operation operation, int status) {
    return Optional.ofNullable(operation.node().get("responses").get(Integer.toString(status)))
        .map(this::resolve);
  }

  /** A component response, e.g. {@code NotFound}. */
  JsonNode componentResponse(String name) {
    return root.get("components").get("responses").get(name);
  }

  /** {@code node}, or what its {@code $ref} points at. */
  JsonNode resolve(JsonNode node) {
    JsonNode ref = node.get("$ref");
    return ref == null ? node : root.at(ref.asText().substring(1));
  }

  /** The problems of {@code instance} against the schema of {@code response} for {@code media}. */
  List<Error> validate(JsonNode response, String media, JsonNode instance) {
    JsonNode content = response.path("content").path(media);
    if (content.isMissingNode()) {
      throw new AssertionError("the response describes no " + media + " body: " + response);
    }
    return validate(content.get("schema"), instance);
  }

  /** The problems of {@code instance} against {@code schema}, a schema of the document. */
  List<Error> validate(JsonNode schema, JsonNode instance) {
    Schema compiled =
        registry.getSchema(
            SchemaLocation.of("https://lattice.dev/test/" + schemas.incrementAndGet()),
            absoluteRefs(schema.deepCopy()));
    return compiled.validate(instance);
  }

  /** The schema named {@code name} under {@code components.schemas}. */
  JsonNode schema(String name) {
    return root.get("components").get("schemas").get(name);
  }

  /** {@code node} with its document-relative {@code $ref}s made absolute, into the document. */
  private static JsonNode absoluteRefs(JsonNode node) {
    if (node instanceof ObjectNode object) {
      JsonNode ref = object.get("$ref");
      if (ref != null && ref.asText().startsWith("#")) {
        object.set("$ref", TextNode.valueOf(IRI + ref.asText()));
      }
      Iterator<JsonNode> children = object.elements();
      children.forEachRemaining(OpenApiDocument::absoluteRefs);
    } else if (node.isArray()) {
      node.forEach(OpenApiDocument::absoluteRefs);
    }
    return node;
  }
}
