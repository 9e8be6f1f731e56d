package dev.lattice.worker.action.retrieval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A retrieval step's input, read field by field: an object of known fields only, each of the type
 * it must have (never converted). Anything else fails the step with {@code invalid_input}, naming
 * the field.
 */
final class StepInput {
  /** A collection's name: a short word that fits the store's column. */
  private static final Pattern COLLECTION = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final JsonNode input;
  private final String action;

  private StepInput(JsonNode input, String action) {
    this.input = input;
    this.action = action;
  }

  /** The input of a step of {@code action}, which may hold only {@code fields}. */
  static StepInput of(JsonNode input, String action, Set<String> fields) {
    if (input == null || !input.isObject()) {
      throw invalid("the " + action + " action's input must be an object");
    }
    for (String name : (Iterable<String>) input::fieldNames) {
      if (!fields.contains(name)) {
        throw invalid(
            "unknown input field '" + name + "'; known: " + fields.stream().sorted().toList());
      }
    }
    return new StepInput(input, action);
  }

  boolean has(String field) {
    return input.has(field) && !input.get(field).isNull();
  }

  /** A string field; null when absent. */
  String text(String field) {
    if (!has(field)) {
      return null;
    }
    JsonNode value = input.get(field);
    if (!value.isTextual()) {
      throw invalid("input." + field + " must be a string");
    }
    return value.asText();
  }

  /** A string field that must be there and not be blank, at most {@code maxLength} long. */
  String requiredText(String field, int maxLength) {
    String value = text(field);
    if (value == null || value.isBlank()) {
      throw invalid("the " + action + " action needs input." + field + ", a non-blank string");
    }
    if (value.length() > maxLength) {
      throw invalid("input." + field + " is longer than " + maxLength + " characters");
    }
    return value;
  }

  /** The collection named by {@code input.collection}. */
  String collection() {
    String name = text("collection");
    if (name == null || !COLLECTION.matcher(name).matches()) {
      throw invalid(
          "input.collection must name a collection: 1-64 letters, digits, '_', '-' or '.'");
    }
    return name;
  }

  /** A whole-number field between {@code min} and {@code max}; {@code fallback} when absent. */
  int whole(String field, int fallback, int min, int max) {
    if (!has(field)) {
      return fallback;
    }
    JsonNode value = input.get(field);
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw invalid("input." + field + " must be a whole number");
    }
    int n = value.intValue();
    if (n < min || n > max) {
      throw invalid("input." + field + " must be between " + min + " and " + max + "; got " + n);
    }
    return n;
  }

  /** A field that is a list of strings, each non-blank; null when absent. */
  List<String> texts(String field) {
    if (!has(field)) {
      return null;
    }
    JsonNode value = input.get(field);
    if (!value.isArray()) {
      throw invalid("input." + field + " must be a list of strings");
    }
    List<String> texts = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      JsonNode text = value.get(i);
      if (!text.isTextual() || text.asText().isBlank()) {
        throw invalid("input." + field + "[" + i + "] must be a non-blank string");
      }
      texts.add(text.asText());
    }
    return texts;
  }

  /** A field that is an object; null when absent. */
  JsonNode object(String field) {
    if (!has(field)) {
      return null;
    }
    JsonNode value = input.get(field);
    if (!value.isObject()) {
      throw invalid("input." + field + " must be an object");
    }
    return value;
  }

  /** A field that is a vector, a non-empty list of numbers; null when absent. */
  float[] vector(String field) {
    return has(field) ? vector(input.get(field), "input." + field) : null;
  }

  /** A field that is a list of vectors; null when absent. */
  List<float[]> vectors(String field) {
    if (!has(field)) {
      return null;
    }
    JsonNode value = input.get(field);
    if (!value.isArray()) {
      throw invalid("input." + field + " must be a list of vectors");
    }
    List<float[]> vectors = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      vectors.add(vector(value.get(i), "input." + field + "[" + i + "]"));
    }
    return vectors;
  }

  private static float[] vector(JsonNode value, String where) {
    if (!value.isArray() || value.isEmpty()) {
      throw invalid(where + " must be a vector: a non-empty list of numbers");
    }
    float[] vector = new float[value.size()];
    for (int i = 0; i < vector.length; i++) {
      JsonNode component = value.get(i);
      if (!component.isNumber() || !Float.isFinite(component.floatValue())) {
        throw invalid(where + "[" + i + "] must be a finite number");
      }
      vector[i] = component.floatValue();
    }
    return vector;
  }

  static ActionException invalid(String message) {
    return new ActionException(ErrorClass.INVALID_INPUT, message);
  }
}
