package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionException;
import java.util.List;
import java.util.Locale;

/**
 * The JSON Schema a step's answer must follow, checked when the step's input is read and compiled
 * once per attempt: an answer is read as JSON and validated against it.
 *
 * <p>A schema is JSON Schema draft 2020-12 unless its {@code $schema} names another draft. It must
 * be whole: a {@code $ref} may point inside it, never to a file, the class path or the network (the
 * schema comes from a plan, so it must not make a worker fetch anything).
 */
final class AnswerSchema {
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
                  // Messages in English whatever the node's locale: they go to the model and to
                  // the run's events.
                  .schemaRegistryConfig(
                      SchemaRegistryConfig.builder().locale(Locale.ENGLISH).build())
                  .schemaLoader(
                      loader ->
                          loader.allow(
                              iri -> META_SCHEMAS.stream().anyMatch(iri.toString()::startsWith))));

  private final JsonNode node;
  private final Schema schema;

  private AnswerSchema(JsonNode node, Schema schema) {
    this.node = node;
    this.schema = schema;
  }

  /**
   * {@code node} compiled.
   *
   * @throws ActionException ({@code invalid_input}) when it is not a valid JSON Schema, saying why
   *     in at most {@code settings.maxErrors()} errors
   */
  static AnswerSchema compile(JsonNode node, StructuredOutputSettings settings) {
    try {
      List<Error> errors = REGISTRY.getSchema(SchemaLocation.of(dialect(node))).validate(node);
      if (!errors.isEmpty()) {
        throw invalid(String.join("; ", settings.shown(described(errors))));
      }
      Schema schema = REGISTRY.getSchema(node);
      // References are resolved lazily otherwise: a broken one shows here, not at the answer.
      schema.initializeValidators();
      return new AnswerSchema(node, schema);
    } catch (ActionException e) {
      throw e;
    } catch (RuntimeException e) {
      // The validator's word for a schema it cannot use: a bad $ref or pattern, an unknown draft.
      throw invalid(settings.cut(String.valueOf(e.getMessage())));
    }
  }

  /** The schema as the step gave it, to send to the provider. */
  JsonNode node() {
    return node;
  }

  /** {@code text} read as JSON and checked against this schema. */
  CheckedAnswer check(String text, ObjectMapper json) {
    JsonNode answer;
    try {
      answer = json.readTree(unfenced(text.strip()));
    } catch (JsonProcessingException e) {
      return CheckedAnswer.rejected(List.of("the answer is not JSON: " + e.getOriginalMessage()));
    }
    if (answer == null || answer.isMissingNode()) {
      return CheckedAnswer.rejected(List.of("the answer is empty, not JSON"));
    }
    List<Error> errors = schema.validate(answer);
    return errors.isEmpty()
        ? CheckedAnswer.accepted(answer)
        : CheckedAnswer.rejected(described(errors));
  }

  /** Each error as {@code where: what}, where being a JSON Pointer into the answer. */
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

  /** {@code text} without a Markdown code fence around it, which models add unasked. */
  private static String unfenced(String text) {
    if (!text.startsWith("```") || !text.endsWith("```") || text.length() < "``````".length()) {
      return text;
    }
    String inner = text.substring(3, text.length() - 3);
    int lineEnd = inner.indexOf('\n');
    // The opening fence may name a language (```json): skip to the end of its line.
    return (lineEnd >= 0 ? inner.substring(lineEnd + 1) : inner).strip();
  }

  private static ActionException invalid(String why) {
    return new ActionException(
        ErrorClass.INVALID_INPUT, "'schema' is not a valid JSON Schema: " + why);
  }
}
