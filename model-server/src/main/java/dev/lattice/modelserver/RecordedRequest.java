package dev.lattice.modelserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * @see #tools()
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

  /**
   * A tool a request offered the model, read from either protocol's shape (OpenAI's {@code
   * tools[].function}, Anthropic's {@code tools[]} with {@code input_schema}).
   *
   * @param name the tool's name
   * @param description its description; null when it had none
   * @param parameters the JSON Schema of its arguments; null when it had none
   */
  public record OfferedTool(String name, String description, JsonNode parameters) {}

  /** The tools the request offered the model, in its order; empty when it offered none. */
  public List<OfferedTool> tools() {
    List<OfferedTool> tools = new ArrayList<>();
    for (JsonNode tool : body.path("tools")) {
      JsonNode function = protocol == Protocol.OPENAI ? tool.path("function") : tool;
      JsonNode parameters =
          function.path(protocol == Protocol.OPENAI ? "parameters" : "input_schema");
      tools.add(
          new OfferedTool(
              function.path("name").asText(null),
              function.path("description").asText(null),
              parameters.isMissingNode() ? null : parameters));
    }
    return tools;
  }

  /** The header's value, or null when the request had none. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }
}
