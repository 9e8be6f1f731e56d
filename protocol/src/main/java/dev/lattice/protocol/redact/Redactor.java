package dev.lattice.protocol.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces sensitive values before they are persisted or shown: the {@code lattice.redaction}
 * settings. In a JSON value, every value of a field whose name is sensitive ({@code password},
 * {@code apiKey}, {@code Authorization}, ... as configured) is replaced by the replacement text
 * ({@code "[redacted]"}); under such a field, an object or a list keeps its shape and loses every
 * number and text in it. In free text (an error message, a reason, a log line), a value quoted
 * after a sensitive name is replaced ({@link TextRedaction}).
 *
 * <p>Secret references ({@code ${secret:NAME}}, optionally after a scheme such as {@code Bearer})
 * are kept wherever they stand: they name a secret without revealing it, and a worker resolves them
 * when it uses them. Nulls and booleans are kept: they reveal nothing a credential is made of. The
 * keys of a JSON Schema's {@code properties} (an object of which every value is a schema: an object
 * or a boolean) name properties, not values: a structured-output schema with a {@code password}
 * property keeps its {@code "type": "string"}.
 *
 * <p>Redaction is idempotent, and pure: a value with nothing to redact comes back as the same
 * instance, so that the common case costs a walk and no copy. Safe for concurrent use.
 */
public final class Redactor {
  /** The configuration path of these settings. */
  public static final String PATH = "lattice.redaction";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** JSON Schema's keywords whose value maps names to schemas. */
  private static final Set<String> SCHEMA_MAPS =
      Set.of("properties", "patternProperties", "$defs", "definitions", "dependentSchemas");

  private final SensitiveFields fields;
  private final String replacement;
  private final TextRedaction text;

  /**
   * @param fields regular expressions of sensitive field names, matched case-insensitively against
   *     whole names; none: no field is sensitive
   * @param exceptFields names that are not sensitive although a pattern of {@code fields} matches
   * @param replacement what replaces a sensitive value
   * @param rememberedNames how many field names' verdicts are kept, for speed
   * @throws IllegalArgumentException if a pattern is not a regular expression, or the replacement
   *     is empty
   */
  public Redactor(
      List<String> fields, List<String> exceptFields, String replacement, int rememberedNames) {
    if (replacement == null || replacement.isEmpty()) {
      throw new IllegalArgumentException(PATH + ".replacement must not be empty");
    }
    this.fields = new SensitiveFields(fields, exceptFields, rememberedNames);
    this.replacement = replacement;
    this.text = new TextRedaction(this.fields, replacement);
  }

  /** The redaction {@code lattice.redaction} configures. */
  public static Redactor fromConfig(Config config) {
    Config c = config.getConfig(PATH);
    return new Redactor(
        c.getStringList("fields"),
        c.getStringList("except-fields"),
        c.getString("replacement"),
        c.getInt("remembered-names"));
  }

  /** A redactor that finds no field sensitive (URL passwords in text are still replaced). */
  public static Redactor none() {
    return new Redactor(List.of(), List.of(), "[redacted]", 0);
  }

  /** What replaces a sensitive value. */
  public String replacement() {
    return replacement;
  }

  /** Whether a field called {@code name} holds a sensitive value. */
  public boolean sensitive(String name) {
    return fields.test(name);
  }

  /** {@code value} with the values of its sensitive fields replaced; itself if it has none. */
  public JsonNode redact(JsonNode value) {
    if (value == null || fields.none() || !value.isContainerNode()) {
      return value;
    }
    return walk(value, false);
  }

  /**
   * {@code value} as the value of a sensitive field: every number and text in it replaced, except
   * references; the same instance if it holds none.
   */
  public JsonNode redactWhole(JsonNode value) {
    return value == null ? null : walk(value, true);
  }

  /** Free {@code text} with the values it quotes after sensitive names replaced. */
  public String redactText(String text) {
    return this.text.redact(text);
  }

  /** Every text of {@code texts} redacted; the same list if none changed. */
  public List<String> redactTexts(List<String> texts) {
    List<String> out = null;
    for (int i = 0; i < texts.size(); i++) {
      String redacted = redactText(texts.get(i));
      if (redacted != texts.get(i) && out == null) {
        out = new ArrayList<>(texts);
      }
      if (out != null) {
        out.set(i, redacted);
      }
    }
    return out == null ? texts : List.copyOf(out);
  }

  private JsonNode walk(JsonNode node, boolean sensitive) {
    if (node.isObject()) {
      return object((ObjectNode) node, sensitive, false);
    }
    if (node.isArray()) {
      return array((ArrayNode) node, sensitive);
    }
    if (!sensitive || node.isNull() || node.isBoolean() || node.isMissingNode()) {
      return node;
    }
    if (node.isTextual()
        && (node.textValue().equals(replacement)
            || SecretReference.isReferenceOnly(node.textValue()))) {
      return node;
    }
    return NODES.textNode(replacement);
  }

  /**
   * @param schemas whether {@code node} maps names to schemas (a schema's {@code properties}), so
   *     that its keys are no field names
   */
  private JsonNode object(ObjectNode node, boolean sensitive, boolean schemas) {
    ObjectNode copy = null;
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      JsonNode value = field.getValue();
      JsonNode redacted =
          !sensitive && SCHEMA_MAPS.contains(name) && isSchemaMap(value)
              ? object((ObjectNode) value, false, true)
              : walk(value, sensitive || (!schemas && this.fields.test(name)));
      if (redacted != value) {
        if (copy == null) {
          // Shallow: what is not redacted is shared, as values in events are never changed.
          copy = NODES.objectNode();
          copy.setAll(node);
        }
        copy.set(field.getKey(), redacted);
      }
    }
    return copy == null ? node : copy;
  }

  private static boolean isSchemaMap(JsonNode value) {
    if (!value.isObject()) {
      return false;
    }
    for (JsonNode schema : value) {
      if (!schema.isObject() && !schema.isBoolean()) {
        return false;
      }
    }
    return true;
  }

  private JsonNode array(ArrayNode node, boolean sensitive) {
    ArrayNode copy = null;
    for (int i = 0; i < node.size(); i++) {
      JsonNode element = node.get(i);
      JsonNode redacted = walk(element, sensitive);
      if (redacted != element) {
        if (copy == null) {
          copy = NODES.arrayNode(node.size());
          copy.addAll(node);
        }
        copy.set(i, redacted);
      }
    }
    return copy == null ? node : copy;
  }

  @Override
  public String toString() {
    return "Redactor[" + replacement + "]";
  }
}
