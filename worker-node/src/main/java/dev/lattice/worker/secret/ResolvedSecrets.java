package dev.lattice.worker.secret;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The secrets one call resolved, by name, to scrub them from what the call gives back: its output
 * and its error messages carry {@code ${secret:NAME}} where the value was. Forms a target commonly
 * echoes a value in (URL-encoded, Base64 as in Basic authentication) are scrubbed too; a target
 * that transforms a secret otherwise can still show it, so only send secrets to hosts you trust.
 */
public final class ResolvedSecrets {
  private final Map<String, String> values = new LinkedHashMap<>();

  /** Notes that {@code name} resolved to {@code value}. */
  void add(String name, String value) {
    values.put(name, value);
  }

  /** The names of the secrets resolved, in the order first met. */
  public Set<String> names() {
    return Collections.unmodifiableSet(values.keySet());
  }

  /** Whether no secret was resolved. */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** {@code text} with each resolved value, in its common encodings, replaced by its reference. */
  public String scrub(String text) {
    if (text == null || values.isEmpty()) {
      return text;
    }
    String scrubbed = text;
    for (Map.Entry<String, String> secret : values.entrySet()) {
      String reference = "${secret:" + secret.getKey() + "}";
      String value = secret.getValue();
      scrubbed = scrubbed.replace(value, reference);
      scrubbed = scrubbed.replace(URLEncoder.encode(value, StandardCharsets.UTF_8), reference);
      scrubbed =
          scrubbed.replace(
              Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)),
              reference);
    }
    return scrubbed;
  }

  /** A copy of {@code node} with every field name and text scrubbed. */
  public JsonNode scrub(JsonNode node) {
    if (node == null || values.isEmpty()) {
      return node;
    }
    if (node.isTextual()) {
      return JsonNodeFactory.instance.textNode(scrub(node.asText()));
    }
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      node.properties().forEach(field -> copy.set(scrub(field.getKey()), scrub(field.getValue())));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(element -> copy.add(scrub(element)));
      return copy;
    }
    return node;
  }

  @Override
  public String toString() {
    // Never the values: this object may end up in a log line by mistake.
    return "ResolvedSecrets" + values.keySet();
  }
}
