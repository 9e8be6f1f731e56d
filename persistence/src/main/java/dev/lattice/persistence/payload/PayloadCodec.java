package dev.lattice.persistence.payload;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Events and their parts as trees, in the journal's encoding (CBOR). Reading a row into a tree and
 * writing it back keeps every value's type: decimals keep their scale and floats their width, so
 * the event deserialized from the rewritten row equals the one written.
 */
final class PayloadCodec {
  private static final CBORMapper MAPPER =
      CBORMapper.builder()
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          // A row must be one whole value: anything after it means it is not what it seems.
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private PayloadCodec() {}

  static JsonNode decode(byte[] cbor) {
    try {
      return MAPPER.readTree(cbor);
    } catch (IOException e) {
      throw new UncheckedIOException("a journal row is not CBOR: " + e.getMessage(), e);
    }
  }

  static byte[] encode(JsonNode tree) {
    try {
      return MAPPER.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
