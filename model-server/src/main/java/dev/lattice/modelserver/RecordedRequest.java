package dev.lattice.modelserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * A request the server received, as a test inspects it.
 *
 * @param protocol the protocol of the endpoint it reached
 * @param method the HTTP method
 * @param path the request's path
 * @param model the model the body named; empty when it named none
 * @param headers the request's headers by lower-case name; the values of {@code authorization} and
 *     {@code x-api-key} are replaced by {@link #REDACTED}
 * @param body the request's JSON body; a text node holding the raw body when it was not JSON, a
 *     missing node when it had none
 * @param time when it arrived, by the server's clock
 */
public record RecordedRequest(
    Protocol protocol,
    String method,
    String path,
    String model,
    Map<String, String> headers,
    JsonNode body,
    Instant time) {

  /** What stands in for a credential in {@link #headers}. */
  public static final String REDACTED = "[redacted]";

  public RecordedRequest {
    headers = Map.copyOf(headers);
  }

  /** The header's value, or null when the request had none. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }
}
