package dev.lattice.orchestrator.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lattice's input templates: any string in a step's {@code input} may hold {@code ${path}}
 * placeholders, where {@code path} is {@code payload[.name|[index]]...}, {@code
 * steps.ID.output[...]} or {@code run.id} / {@code run.tenant}; in a map's sub-plan also {@code
 * item[...]} and {@code index}, in a loop's {@code iteration} and {@code previous.ID.output[...]}.
 * A string that is exactly one placeholder becomes the referenced JSON value with its type;
 * placeholders inside a longer string are replaced by their text (objects and arrays as JSON). A
 * placeholder whose value is missing fails the step with {@code invalid_input} rather than passing
 * on a silent null.
 *
 * <p>{@code ${secret:NAME}} is not a placeholder: it is left as it is, for the worker to resolve
 * (only a worker may see a secret's value). A value a placeholder brings in (the payload, an
 * earlier output) may not hold such a reference: data from outside or from a model could otherwise
 * name any secret and have it sent. Secret references are written in the plan only.
 */
public final class InputTemplate {
  // Any ${...} except a secret reference, which the worker resolves.
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\$\\{(?!\\s*secret:)\\s*([^}]*?)\\s*\\}");

  /** How a secret reference starts: {@code ${secret:NAME}}. */
  public static final String SECRET_REFERENCE = "${secret:";

  private static final Pattern SEGMENT = Pattern.compile("([A-Za-z0-9_-]+)|\\[(\\d+)\\]");

  private InputTemplate() {}

  /** A placeholder path: a root ({@code payload}, {@code steps}, {@code run}) and its segments. */
  public record Reference(String text, List<Object> segments) {
    public String root() {
      return (String) segments.get(0);
    }

    /** For {@code steps.ID...} and {@code previous.ID...} references, the step id. */
    public String stepId() {
      return segments.size() > 1 && segments.get(1) instanceof String id ? id : null;
    }
  }

  /**
   * Every placeholder in {@code input}, parsed and checked for form.
   *
   * @throws IllegalArgumentException naming the first malformed placeholder
   */
  public static List<Reference> references(JsonNode input) {
    List<Reference> found = new ArrayList<>();
    collect(input, found);
    return found;
  }

  private static void collect(JsonNode node, List<Reference> found) {
    if (node == null) {
      return;
    }
    if (node.isTextual()) {
      Matcher m = PLACEHOLDER.matcher(node.asText());
      while (m.find()) {
        found.add(parse(m.group(1)));
      }
    } else if (node.isContainerNode()) {
      node.forEach(child -> collect(child, found));
    }
  }

  static Reference parse(String path) {
    List<Object> segments = new ArrayList<>();
    int position = 0;
    Matcher m = SEGMENT.matcher(path);
    while (position < path.length()) {
      if (!segments.isEmpty() && path.charAt(position) == '.') {
        position++;
      }
      if (!m.find(position) || m.start() != position) {
        throw new IllegalArgumentException("malformed placeholder ${" + path + "}");
      }
      segments.add(m.group(1) != null ? m.group(1) : Integer.valueOf(m.group(2)));
      position = m.end();
    }
    if (segments.isEmpty() || !(segments.get(0) instanceof String root)) {
      throw new IllegalArgumentException("empty placeholder ${" + path + "}");
    }
    switch (root) {
      case "payload" -> {}
      case "state" -> {
        if (segments.size() < 2) {
          throw new IllegalArgumentException(
              "${" + path + "}: state references look like state.KEY[.field...]");
        }
      }
      case "run" -> {
        if (segments.size() != 2 || !List.of("id", "tenant").contains(segments.get(1))) {
          throw new IllegalArgumentException(
              "${" + path + "}: run offers only run.id and run.tenant");
        }
      }
      case "steps" -> {
        if (segments.size() < 3 || !"output".equals(segments.get(2))) {
          throw new IllegalArgumentException(
              "${" + path + "}: step references look like steps.ID.output[.field...]");
        }
      }
      case "item" -> {}
      case "index", "iteration" -> {
        if (segments.size() != 1) {
          throw new IllegalArgumentException("${" + path + "}: " + root + " is a number");
        }
      }
      case "previous" -> {
        if (segments.size() < 3 || !"output".equals(segments.get(2))) {
          throw new IllegalArgumentException(
              "${" + path + "}: previous references look like previous.ID.output[.field...]");
        }
      }
      default ->
          throw new IllegalArgumentException(
              "${"
                  + path
                  + "}: a placeholder starts with payload, steps, state or run (in a map's sub-plan also"
                  + " item or index, in a loop's also iteration or previous)");
    }
    return new Reference(path, List.copyOf(segments));
  }

  /**
   * The step's input with every placeholder replaced from {@code context} (see {@link
   * StepContext}).
   *
   * @throws IllegalArgumentException naming a placeholder whose value is missing
   */
  public static JsonNode resolve(JsonNode input, JsonNode context) {
    if (input == null) {
      return null;
    }
    if (input.isTextual()) {
      return resolveText(input.asText(), context);
    }
    if (input.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, JsonNode> field : input.properties()) {
        copy.set(field.getKey(), resolve(field.getValue(), context));
      }
      return copy;
    }
    if (input.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      input.forEach(element -> copy.add(resolve(element, context)));
      return copy;
    }
    return input;
  }

  private static JsonNode resolveText(String text, JsonNode context) {
    Matcher whole = PLACEHOLDER.matcher(text);
    if (whole.matches()) {
      Reference reference = parse(whole.group(1));
      return withoutSecretReferences(reference, lookup(reference, context)).deepCopy();
    }
    Matcher m = PLACEHOLDER.matcher(text);
    if (!m.find()) {
      return JsonNodeFactory.instance.textNode(text);
    }
    StringBuilder out = new StringBuilder();
    m.reset();
    while (m.find()) {
      Reference reference = parse(m.group(1));
      JsonNode value = withoutSecretReferences(reference, lookup(reference, context));
      m.appendReplacement(
          out, Matcher.quoteReplacement(value.isValueNode() ? value.asText() : value.toString()));
    }
    m.appendTail(out);
    return JsonNodeFactory.instance.textNode(out.toString());
  }

  /** {@code value}, brought in by {@code reference}, if no text of it names a secret. */
  private static JsonNode withoutSecretReferences(Reference reference, JsonNode value) {
    if (namesSecret(value)) {
      throw new IllegalArgumentException(
          "input refers to ${"
              + reference.text()
              + "}, whose value holds a secret reference ("
              + SECRET_REFERENCE
              + "...}); secrets may be named in a step's input as written in the plan only");
    }
    return value;
  }

  /**
   * Whether any text of {@code value}, a field name or a string, holds a secret reference ({@code
   * ${secret:...}}): data that is not the plan's own may not name secrets.
   */
  public static boolean namesSecret(JsonNode value) {
    if (value.isTextual()) {
      return value.textValue().contains(SECRET_REFERENCE);
    }
    Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getKey().contains(SECRET_REFERENCE) || namesSecret(field.getValue())) {
        return true;
      }
    }
    if (value.isArray()) {
      for (JsonNode element : value) {
        if (namesSecret(element)) {
          return true;
        }
      }
    }
    return false;
  }

  private static JsonNode lookup(Reference reference, JsonNode context) {
    JsonNode current = context;
    for (Object segment : reference.segments()) {
      current =
          segment instanceof Integer index ? current.path(index) : current.path((String) segment);
      if (current.isMissingNode()) {
        throw new IllegalArgumentException(
            "input refers to ${" + reference.text() + "}, which is missing");
      }
    }
    return current;
  }
}
