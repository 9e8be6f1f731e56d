package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.JsonSchemaCheck;
import java.util.List;

/**
 * The JSON Schema a step's answer must follow, checked when the step's input is read and compiled
 * once per attempt: an answer is read as JSON and validated against it.
 *
 * <p>A schema is JSON Schema draft 2020-12 unless its {@code $schema} names another draft. It must
 * be whole: a {@code $ref} may point inside it, never to a file, the class path or the network (the
 * schema comes from a plan, so it must not make a worker fetch anything).
 */
final class AnswerSchema {
  private final JsonNode node;
  private final JsonSchemaCheck schema;

  private AnswerSchema(JsonNode node, JsonSchemaCheck schema) {
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
      List<String> errors = JsonSchemaCheck.metaViolations(node);
      if (!errors.isEmpty()) {
        throw invalid(String.join("; ", settings.shown(errors)));
      }
      return new AnswerSchema(node, JsonSchemaCheck.compileUnchecked(node));
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
    List<String> errors = schema.violations(answer);
    return errors.isEmpty() ? CheckedAnswer.accepted(answer) : CheckedAnswer.rejected(errors);
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
