package dev.lattice.worker.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Locale;

/**
 * A compiled JSON Schema that values are checked against: a step's structured answer, an intent's
 * payload, a tool's arguments. A schema is draft 2020-12 unless its {@code $schema} names another
 * draft. It must be whole: a {@code $ref} may point inside it, never to a file, the class path or
 * the network (schemas come from plans and templates, so they must not make a node fetch anything).
 */
public final class JsonSchemaCheck {
  private static final String DEFAULT_DIALECT = "https://json-schema.org/draft/2020-12/schema";
  // The only documents the validator may load: the drafts' meta-schemas, which it ships.
  private static final List<String> META_SCHEMAS =
      List.of("https://json-schema.org/", "http://json-schema.org/");
  private static final String ROOT = "(root)";
  // Shared: it only ever caches the meta-schemas, and it is safe for concurrent use.
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          builder ->
              builder
                  // Messages in English whatever the node's locale: they go to models, clients and
                  // the run's events.
                  .schemaRegistryConfig(
                      SchemaRegistryConfig.builder().locale(Locale.ENGLISH).build())
                  .schemaLoader(
                      loader ->
                          loader.allow(
                              iri -> META_SCHEMAS.stream().anyMatch(iri.toString()::startsWith))));

  private final JsonNode node;
  private final Schema schema;

  private JsonSchemaCheck(JsonNode node, Schema schema) {
    this.node = node;
    this.schema = schema;
  }

  /**
   * What is wrong with {@code node} as a schema of its draft, each as {@code where: what}.
   *
   * @throws RuntimeException the validator's own failure for a schema it cannot read at all (an
   *     unknown draft)
   */
  public static List<String> metaViolations(JsonNode node) {
    return described(REGISTRY.getSchema(SchemaLocation.of(dialect(node))).validate(node));
  }

  /**
   * {@code node} compiled, without checking it against its meta-schema first ({@link
   * #metaViolations}).
   *
   * @throws RuntimeException the validator's failure for a schema it cannot use (a bad {@code $ref}
   *     or pattern)
   */
  public static JsonSchemaCheck compileUnchecked(JsonNode node) {
    Schema schema = REGISTRY.getSchema(node);
    // References are resolved lazily otherwise: a broken one shows here, not at a value.
    schema.initializeValidators();
    return new JsonSchemaCheck(node, schema);
  }

  /**
   * {@code node} checked and compiled.
   *
   * @throws IllegalArgumentException when it is not a valid JSON Schema, saying why
   */
  public static JsonSchemaCheck compile(JsonNode node) {
    try {
      List<String> errors = metaViolations(node);
      if (!errors.isEmpty()) {
        throw new IllegalArgumentException("not a valid JSON Schema: " + String.join("; ", errors));
      }
      return compileUnchecked(node);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a valid JSON Schema: " + e.getMessage(), e);
    }
  }

  /** The schema as written. */
  public JsonNode node() {
    return node;
  }

  /** What is wrong with {@code value}, each as {@code where: what}; empty when it matches. */
  public List<String> violations(JsonNode value) {
    return described(schema.validate(value));
  }

  /** Each error as {@code where: what}, where being a JSON Pointer into the value. */
  private static List<String> described(List<Error> errors) {
    return errors.stream()
        .map(
            error -> {
              String where = error.getInstanceLocation().toString();
              return (where.isEmpty() ? ROOT : where) + ": " + error.getMessage();
            })
        .toList();
  }

  /** The meta-schema {@code node} is written in. */
  private static String dialect(JsonNode node) {
    JsonNode named = node.get("$schema");
    return named != null && named.isTextual() ? named.asText() : DEFAULT_DIALECT;
  }
}
