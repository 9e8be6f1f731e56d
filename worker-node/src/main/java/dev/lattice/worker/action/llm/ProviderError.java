package dev.lattice.worker.action.llm;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionException;
import java.time.Duration;
import java.util.Optional;

/**
 * A provider's error answer as its body describes it, and the canonical error class it means.
 *
 * @param type the provider's error type ({@code rate_limit_error}, {@code invalid_request_error})
 * @param code OpenAI's error code ({@code context_length_exceeded}); may be null
 * @param message the provider's message; may be null
 * @param contextTooLong whether it says the prompt does not fit the model's context
 */
record ProviderError(String type, String code, String message, boolean contextTooLong) {
  // Enough of a provider's message to say what went wrong; some echo large parts of the request.
  private static final int MESSAGE_CHARS = 300;
  private static final String REDACTED = "[redacted]";
  // OpenAI's rate_limit_exceeded, Anthropic's rate_limit_error.
  private static final String RATE_LIMIT = "rate_limit";

  private static final int UNAUTHORIZED = 401;
  private static final int FORBIDDEN = 403;
  private static final int REQUEST_TIMEOUT = 408;
  private static final int TOO_MANY_REQUESTS = 429;
  private static final int CLIENT_ERRORS = 400;
  private static final int SERVER_ERRORS = 500;

  /**
   * The failure of a call {@code provider} answered with {@code status}.
   *
   * @param key the API key sent, scrubbed from the provider's message; may be empty
   * @param retryAfter what its {@code Retry-After} header asked for, if anything
   */
  ActionException failure(
      ProviderSettings provider, int status, Optional<String> key, Optional<Duration> retryAfter) {
    String head = "provider '" + provider.name() + "' answered " + status + describedType();
    if (status == UNAUTHORIZED || status == FORBIDDEN) {
      // The provider's own words are left out: some quote part of the key they refused.
      return new ActionException(
          ErrorClass.AUTH,
          head
              + (provider.apiKeyEnv() != null
                  ? " (check the API key in environment variable " + provider.apiKeyEnv() + ")"
                  : provider.needsKey()
                      ? " (check the API key in file " + provider.apiKeyFile() + ")"
                      : " (no API key is configured for it)"));
    }
    String detail = head + said(key);
    if (status == TOO_MANY_REQUESTS) {
      return new ActionException(
          ErrorClass.RATE_LIMITED, detail, null, null, retryAfter.orElse(null));
    }
    if (status == REQUEST_TIMEOUT) {
      return new ActionException(ErrorClass.TIMEOUT, detail);
    }
    if (status >= CLIENT_ERRORS && status < SERVER_ERRORS) {
      return new ActionException(
          ErrorClass.INVALID_INPUT,
          contextTooLong ? detail + " (the prompt is longer than the model's context)" : detail);
    }
    return new ActionException(ErrorClass.AGENT_ERROR, detail);
  }

  /**
   * The failure of a stream in which {@code provider} reported this error after its answer began:
   * {@code rate_limited} if it says so, else {@code agent_error}.
   */
  ActionException inStream(ProviderSettings provider, Optional<String> key) {
    String detail =
        "provider '" + provider.name() + "' reported an error mid-stream" + describedType();
    boolean rateLimit = type != null && type.contains(RATE_LIMIT);
    return new ActionException(
        rateLimit ? ErrorClass.RATE_LIMITED : ErrorClass.AGENT_ERROR, detail + said(key));
  }

  /** Thrown by a stream assembly that read this error from the stream, for the client to map. */
  static final class Reported extends RuntimeException {
    private final transient ProviderError error;

    Reported(ProviderError error) {
      super(error.type, null, false, false);
      this.error = error;
    }

    ProviderError error() {
      return error;
    }
  }

  private String describedType() {
    String described = type == null ? "" : " " + type;
    return code == null || code.equals(type) ? described : described + "/" + code;
  }

  private String said(Optional<String> key) {
    if (message == null || message.isBlank()) {
      return "";
    }
    String text = key.map(k -> message.replace(k, REDACTED)).orElse(message);
    return ": " + (text.length() > MESSAGE_CHARS ? text.substring(0, MESSAGE_CHARS) + "…" : text);
  }
}
