package dev.lattice.persistence.payload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts the parts of an event stored apart back in place of their references ({@link
 * PayloadSplitter} in reverse), parts within parts included, and gives escaped field names back
 * their own names.
 */
public final class PayloadResolver {
  /** Where the contents of parts come from. */
  @FunctionalInterface
  public interface Parts {
    /** The contents of those of {@code hashes} that exist, by hash. */
    Map<String, byte[]> get(Collection<String> hashes);
  }

  private PayloadResolver() {}

  /**
   * {@code tree} whole again.
   *
   * @param tree an event as written with references; changed in place
   * @throws MissingPayloadException if a part it refers to does not exist
   */
  public static JsonNode resolve(JsonNode tree, Parts parts) {
    Map<String, byte[]> found = new HashMap<>();
    fetch(tree, parts, found);
    return resolve(tree, parts, found);
  }

  private static JsonNode resolve(JsonNode node, Parts parts, Map<String, byte[]> found) {
    PayloadRef ref = PayloadRef.from(node);
    if (ref != null) {
      byte[] content = found.get(ref.hash());
      if (content == null) {
        throw new MissingPayloadException(ref.hash());
      }
      JsonNode part = PayloadCodec.decode(content);
      // A part stored whole may hold references of its own: fetch them together.
      fetch(part, parts, found);
      return resolve(part, parts, found);
    }
    if (node instanceof ObjectNode object) {
      ObjectNode own = MarkerEscapes.unescape(object);
      List<String> names = new ArrayList<>(own.size());
      own.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        own.set(name, resolve(own.get(name), parts, found));
      }
      return own;
    }
    if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, resolve(array.get(i), parts, found));
      }
    }
    return node;
  }

  private static void fetch(JsonNode tree, Parts parts, Map<String, byte[]> found) {
    Set<String> wanted = new LinkedHashSet<>();
    collect(tree, wanted);
    wanted.removeAll(found.keySet());
    if (!wanted.isEmpty()) {
      found.putAll(parts.get(wanted));
    }
  }

  private static void collect(JsonNode node, Set<String> hashes) {
    PayloadRef ref = PayloadRef.from(node);
    if (ref != null) {
      hashes.add(ref.hash());
    } else if (node.isContainerNode()) {
      node.forEach(child -> collect(child, hashes));
    }
  }

  /** A reference to a part that is not stored: the journal lost data, or was changed by hand. */
  public static final class MissingPayloadException extends IllegalStateException {
    MissingPayloadException(String hash) {
      super("the journal refers to a stored payload that does not exist: " + hash);
    }
  }
}
