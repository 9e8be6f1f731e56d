package dev.lattice.persistence.payload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A reference to a part of an event stored apart: {@code {"$payload": "sha256:HEX", "bytes": N}},
 * where HEX is the SHA-256 of the part's stored content and N the content's length.
 */
public record PayloadRef(String hash, int bytes) {
  /** The field that marks an object as a reference. */
  static final String FIELD = "$payload";

  static final String BYTES = "bytes";
  private static final String PREFIX = "sha256:";

  /** The reference to {@code content}. */
  public static PayloadRef of(byte[] content) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
      return new PayloadRef(PREFIX + HexFormat.of().formatHex(digest), content.length);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** The reference {@code node} is, or {@code null} if it is not one. */
  static PayloadRef from(JsonNode node) {
    if (!(node instanceof ObjectNode object) || object.size() != 2) {
      return null;
    }
    JsonNode hash = object.get(FIELD);
    JsonNode bytes = object.get(BYTES);
    if (hash == null || !hash.isTextual() || bytes == null || !bytes.isIntegralNumber()) {
      return null;
    }
    return hash.asText().startsWith(PREFIX) ? new PayloadRef(hash.asText(), bytes.asInt()) : null;
  }

  /** The reference as it stands in an event. */
  ObjectNode toNode() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put(FIELD, hash);
    node.put(BYTES, bytes);
    return node;
  }
}
