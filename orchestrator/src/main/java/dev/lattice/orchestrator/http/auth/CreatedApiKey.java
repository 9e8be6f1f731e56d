package dev.lattice.orchestrator.http.auth;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * The answer to creating a key: the key itself, this once, and what is stored about it.
 *
 * @param key the key, {@code lt_...}: shown now and never again
 * @param details the stored key's description
 */
@JsonPropertyOrder({"key"})
public record CreatedApiKey(String key, @JsonUnwrapped ApiKeyView details) {

  /** Never the key: this record may reach a log by accident. */
  @Override
  public String toString() {
    return "CreatedApiKey[" + details + "]";
  }
}
