package dev.lattice.modelserver.script;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A failure a script entry answers with instead of a normal answer, written in a script as an
 * object whose {@code type} names the kind.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Fault.HttpError.class, name = "http_error"),
  @JsonSubTypes.Type(value = Fault.ContextLengthExceeded.class, name = "context_length_exceeded"),
  @JsonSubTypes.Type(value = Fault.Disconnect.class, name = "disconnect"),
  @JsonSubTypes.Type(value = Fault.MalformedJson.class, name = "malformed_json")
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface Fault {

  /**
   * An HTTP error status with the provider's error body, e.g. 429, 500, 503 or 401.
   *
   * @param status the HTTP status
   * @param message the error's message; a default naming the status when absent
   * @param retryAfterSeconds sent as {@code Retry-After} when present
   */
  record HttpError(int status, String message, Integer retryAfterSeconds) implements Fault {}

  /**
   * A 400 saying the prompt is too long: OpenAI's {@code context_length_exceeded} code, Anthropic's
   * {@code invalid_request_error} with a "prompt is too long" message.
   *
   * @param message the error's message; the provider's usual wording when absent
   */
  record ContextLengthExceeded(String message) implements Fault {}

  /**
   * The connection is dropped: before any byte of the answer, or (streaming) after some tokens.
   *
   * @param afterTokens tokens streamed before the drop; absent or 0 drops before answering. A
   *     non-streamed answer is always dropped before answering.
   */
  record Disconnect(Integer afterTokens) implements Fault {}

  /** A 200 answer whose JSON is cut in half (streaming: the first token's event data is). */
  record MalformedJson() implements Fault {}

  static Fault status(int status) {
    return new HttpError(status, null, null);
  }

  static Fault rateLimited(int retryAfterSeconds) {
    return new HttpError(429, null, retryAfterSeconds);
  }

  static Fault contextLengthExceeded() {
    return new ContextLengthExceeded(null);
  }

  static Fault disconnect() {
    return new Disconnect(null);
  }

  static Fault disconnectAfterTokens(int tokens) {
    return new Disconnect(tokens);
  }

  static Fault malformedJson() {
    return new MalformedJson();
  }
}
