package dev.lattice.persistence.payload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes the large parts out of an event too large to be written whole. Every text or binary value
 * of at least {@code part-min-bytes} is stored apart, and so is any object or array still larger
 * than {@code inline-max-bytes} once its own large values are out. A part is keyed by the SHA-256
 * of its content, so a value that recurs (an earlier answer in every later step's input) is one
 * part however many events refer to it: the journal grows with what is new.
 */
public final class PayloadSplitter {
  /** Bytes of a reference in an event, about. */
  private static final int REF_BYTES = 90;

  /** Bytes of a number, a boolean or a null, at most about. */
  private static final int SCALAR_BYTES = 9;

  private final PayloadSettings settings;

  public PayloadSplitter(PayloadSettings settings) {
    this.settings = settings;
  }

  /**
   * The event {@code tree} with its large parts replaced by references, and the parts by hash.
   *
   * @param tree the event; changed in place, and not to be used afterwards
   */
  public Split split(JsonNode tree) {
    Map<String, byte[]> parts = new LinkedHashMap<>();
    JsonNode event = visit(tree, parts).node();
    return new Split(event, parts);
  }

  /** An event without its large parts, and those parts' contents by hash, in order of finding. */
  public record Split(JsonNode event, Map<String, byte[]> parts) {}

  private record Sized(JsonNode node, long bytes) {}

  private Sized visit(JsonNode node, Map<String, byte[]> parts) {
    if (node instanceof ObjectNode object) {
      ObjectNode escaped = MarkerEscapes.escape(object);
      long bytes = 2;
      List<String> names = new ArrayList<>(escaped.size());
      escaped.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        Sized field = visit(escaped.get(name), parts);
        escaped.set(name, field.node());
        bytes += field.bytes() + name.length() + 2;
      }
      return bytes > settings.inlineMaxBytes() ? store(escaped, parts) : new Sized(escaped, bytes);
    }
    if (node instanceof ArrayNode array) {
      long bytes = 2;
      for (int i = 0; i < array.size(); i++) {
        Sized element = visit(array.get(i), parts);
        array.set(i, element.node());
        bytes += element.bytes() + 1;
      }
      return bytes > settings.inlineMaxBytes() ? store(array, parts) : new Sized(array, bytes);
    }
    long bytes = leafBytes(node);
    boolean large = (node.isTextual() || node.isBinary()) && bytes >= settings.partMinBytes();
    return large ? store(node, parts) : new Sized(node, bytes);
  }

  private static Sized store(JsonNode part, Map<String, byte[]> parts) {
    byte[] content = PayloadCodec.encode(part);
    PayloadRef ref = PayloadRef.of(content);
    parts.putIfAbsent(ref.hash(), content);
    return new Sized(ref.toNode(), REF_BYTES);
  }

  private static long leafBytes(JsonNode node) {
    if (node.isTextual()) {
      // The encoded length, counted rather than encoded: sizing must not copy every text.
      return utf8Length(node.textValue()) + 5;
    }
    if (node instanceof BinaryNode binary) {
      return binary.binaryValue().length + 5;
    }
    return SCALAR_BYTES;
  }

  private static long utf8Length(String text) {
    long length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        length++;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c)) {
        length += 4;
        i++;
      } else {
        length += 3;
      }
    }
    return length;
  }
}
