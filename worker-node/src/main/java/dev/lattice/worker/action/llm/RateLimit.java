package dev.lattice.worker.action.llm;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * A provider's rate limit for one model: how many requests and tokens (prompt and completion) it
 * allows over any sliding window. A figure of zero is no limit.
 *
 * @param requests requests per window; 0 for none
 * @param tokens tokens per window; 0 for none
 * @param window the window's length (a minute for every real provider)
 */
public record RateLimit(long requests, long tokens, Duration window) {
  /** No limit at all. */
  public static final RateLimit NONE = new RateLimit(0, 0, Duration.ofMinutes(1));

  public RateLimit {
    if (requests < 0 || tokens < 0) {
      throw new IllegalArgumentException("rate limits cannot be negative");
    }
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("a rate limit's window must be positive, not " + window);
    }
  }

  /** Reads {@code requests-per-minute}, {@code tokens-per-minute} and {@code window}. */
  static RateLimit create(Config c) {
    return new RateLimit(
        c.getLong("requests-per-minute"), c.getLong("tokens-per-minute"), c.getDuration("window"));
  }

  /** Whether it limits anything. */
  public boolean limited() {
    return requests > 0 || tokens > 0;
  }

  /** The limit as people read it: {@code 60 rpm, 40000 tpm}, or per window when not a minute. */
  public String describe() {
    String per = window.equals(Duration.ofMinutes(1)) ? "pm" : " per " + window.toMillis() + " ms";
    StringBuilder text = new StringBuilder();
    if (requests > 0) {
      text.append(requests).append(per.equals("pm") ? " rpm" : " requests" + per);
    }
    if (tokens > 0) {
      text.append(text.isEmpty() ? "" : ", ")
          .append(tokens)
          .append(per.equals("pm") ? " tpm" : " tokens" + per);
    }
    return text.isEmpty() ? "unlimited" : text.toString();
  }
}
