package dev.lattice.modelserver.script;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;

/**
 * Limits over any sliding window, a minute unless {@code windowMs} says otherwise; an absent one
 * does not apply.
 *
 * @param requestsPerMinute requests answered (errors of the script included) per window
 * @param tokensPerMinute prompt and completion tokens of the answers per window
 * @param windowMs the window's length in milliseconds; absent for a minute. A shorter one lets a
 *     test see a client keep to a limit in seconds rather than minutes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RateLimits(Integer requestsPerMinute, Integer tokensPerMinute, Long windowMs) {

  /** A minute, as every real provider counts. */
  public static final Duration MINUTE = Duration.ofMinutes(1);

  public RateLimits {
    if (windowMs != null && windowMs < 1) {
      throw new IllegalArgumentException("windowMs must be positive, not " + windowMs);
    }
  }

  /** Limits over a minute. */
  public RateLimits(Integer requestsPerMinute, Integer tokensPerMinute) {
    this(requestsPerMinute, tokensPerMinute, null);
  }

  public static RateLimits requestsPerMinute(int requests) {
    return new RateLimits(requests, null);
  }

  public static RateLimits tokensPerMinute(int tokens) {
    return new RateLimits(null, tokens);
  }

  /** These limits over a window of {@code window} instead. */
  public RateLimits per(Duration window) {
    return new RateLimits(requestsPerMinute, tokensPerMinute, window.toMillis());
  }

  /** The window the limits count over. */
  public Duration window() {
    return windowMs == null ? MINUTE : Duration.ofMillis(windowMs);
  }
}
