package dev.lattice.persistence.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lattice.protocol.json.LatticeJson;
import java.time.Instant;

/**
 * What a chain's signature vouches for, the payload of its JWS: that row {@code seq} of {@code
 * chain} had {@code hash} (and so, through the links, every row before it was as it is).
 *
 * @param chain the chain
 * @param seq its last row's place when signed
 * @param hash that row's hash
 * @param signedAt when it was signed
 */
public record SignedHead(String chain, long seq, String hash, Instant signedAt) {
  String json() {
    try {
      return LatticeJson.mapper().writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a signed head", e);
    }
  }

  static SignedHead parse(String json) throws JsonProcessingException {
    return LatticeJson.mapper().readValue(json, SignedHead.class);
  }
}
