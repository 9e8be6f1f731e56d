package dev.lattice.protocol.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * How deep and how large a free-form payload (a run's payload, a step's input or output, a signal's
 * data) may be: the {@code lattice.payload} settings. Every stage that writes payloads into events
 * holds them to these limits first, so that no event is ever refused by the journal's serializer
 * (which stops at a nesting depth of 1,000) or too large to cross between nodes; the limits leave a
 * wide margin for the envelopes Lattice wraps around a payload.
 *
 * @param maxDepth the deepest nesting of objects and arrays (a flat object is 1)
 * @param maxChars the most characters of a payload's JSON text
 */
public record PayloadLimits(int maxDepth, long maxChars) {
  /** The configuration path of these settings. */
  public static final String PATH = "lattice.payload";

  public PayloadLimits {
    if (maxDepth < 1 || maxChars < 1) {
      throw new IllegalArgumentException(
          PATH + ".max-depth and .max-size must be positive: " + maxDepth + ", " + maxChars);
    }
  }

  /** The limits configured under {@code lattice.payload}. */
  public static PayloadLimits fromConfig(Config config) {
    Config c = config.getConfig(PATH);
    return new PayloadLimits(c.getInt("max-depth"), c.getBytes("max-size"));
  }

  /**
   * What is wrong with {@code payload}, for people (e.g. "nests deeper than 128 levels (...)"), or
   * empty when it is within the limits. A null payload is within them.
   */
  public Optional<String> violation(JsonNode payload) {
    if (payload == null) {
      return Optional.empty();
    }
    // Iterative, so that a payload far deeper than the limit cannot overflow the stack, and it
    // stops as soon as a limit is passed instead of walking a huge payload to its end.
    Deque<Level> levels = new ArrayDeque<>();
    long chars = scalarChars(payload);
    if (payload.isContainerNode()) {
      levels.push(new Level(payload));
      chars = 2;
    }
    while (!levels.isEmpty()) {
      if (levels.size() > maxDepth) {
        return Optional.of("nests deeper than " + maxDepth + " levels (" + PATH + ".max-depth)");
      }
      if (chars > maxChars) {
        return Optional.of(tooLarge());
      }
      Level level = levels.peek();
      if (!level.hasNext()) {
        levels.pop();
        continue;
      }
      Map.Entry<String, JsonNode> child = level.next();
      // A comma before all but the first, and for an object's field its quoted name and colon.
      chars += (level.first ? 0 : 1) + (child.getKey() == null ? 0 : child.getKey().length() + 3);
      level.first = false;
      JsonNode value = child.getValue();
      if (value.isContainerNode()) {
        chars += 2;
        levels.push(new Level(value));
      } else {
        chars += scalarChars(value);
      }
    }
    return chars > maxChars ? Optional.of(tooLarge()) : Optional.empty();
  }

  /**
   * Fails with an {@link IllegalArgumentException} saying what {@code payload}, called {@code
   * what}, breaks; returns it when it is within the limits.
   */
  public JsonNode check(JsonNode payload, String what) {
    violation(payload)
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException(what + " " + problem);
            });
    return payload;
  }

  private String tooLarge() {
    return "is larger than " + maxChars + " characters of JSON (" + PATH + ".max-size)";
  }

  /** The length of a scalar's JSON text, closely enough to hold it to a limit. */
  private static long scalarChars(JsonNode scalar) {
    if (scalar.isTextual()) {
      return scalar.textValue().length() + 2L;
    }
    if (scalar.isContainerNode()) {
      return 2;
    }
    return scalar.asText().length();
  }

  /** An object's fields or an array's elements still to visit; elements come with a null name. */
  private static final class Level {
    private final Iterator<Map.Entry<String, JsonNode>> fields;
    private final Iterator<JsonNode> elements;
    private boolean first = true;

    Level(JsonNode container) {
      this.fields = container.isObject() ? container.properties().iterator() : null;
      this.elements = container.isObject() ? null : container.elements();
    }

    boolean hasNext() {
      return fields != null ? fields.hasNext() : elements.hasNext();
    }

    Map.Entry<String, JsonNode> next() {
      return fields != null ? fields.next() : new SimpleImmutableEntry<>(null, elements.next());
    }
  }
}
