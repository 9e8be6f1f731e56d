package dev.lattice.worker.action.llm;

import dev.lattice.protocol.agent.RateObservation;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a provider's rate-limit headers into a {@link RateObservation}: OpenAI's {@code
 * x-ratelimit-limit-requests}, {@code -remaining-requests} and {@code -reset-requests} (a Go
 * duration such as {@code 6m0s} or {@code 20ms}) and their {@code -tokens} kin; Anthropic's {@code
 * anthropic-ratelimit-requests-limit}, {@code -remaining} and {@code -reset} (an RFC 3339 time) and
 * their {@code tokens} kin. A quantity whose limit or remaining is missing or unreadable is left
 * out; a missing reset reads as none.
 */
public final class RateLimitHeaders {
  private static final Pattern GO_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|us|µs|ns|m|s)");

  private RateLimitHeaders() {}

  /**
   * What the headers of an answer from {@code provider} for {@code model} say; empty when they say
   * nothing of rate limits.
   *
   * @param header a header's value by its name (any case), null when absent
   * @param now when the answer came, for Anthropic's reset times
   */
  public static Optional<RateObservation> read(
      String provider,
      WireProtocol protocol,
      String model,
      Function<String, String> header,
      Instant now) {
    RateObservation observation =
        protocol == WireProtocol.ANTHROPIC
            ? new RateObservation(
                provider,
                model,
                anthropic(header, "requests", now),
                anthropic(header, "tokens", now))
            : new RateObservation(
                provider, model, openAi(header, "requests"), openAi(header, "tokens"));
    return observation.reportsAny() ? Optional.of(observation) : Optional.empty();
  }

  private static RateObservation.Quota openAi(Function<String, String> header, String what) {
    Long limit = number(header.apply("x-ratelimit-limit-" + what));
    Long remaining = number(header.apply("x-ratelimit-remaining-" + what));
    if (limit == null || remaining == null) {
      return null;
    }
    Duration reset = goDuration(header.apply("x-ratelimit-reset-" + what)).orElse(Duration.ZERO);
    return new RateObservation.Quota(limit, remaining, reset.toMillis());
  }

  private static RateObservation.Quota anthropic(
      Function<String, String> header, String what, Instant now) {
    String prefix = "anthropic-ratelimit-" + what + "-";
    Long limit = number(header.apply(prefix + "limit"));
    Long remaining = number(header.apply(prefix + "remaining"));
    if (limit == null || remaining == null) {
      return null;
    }
    long reset = 0;
    String at = header.apply(prefix + "reset");
    if (at != null) {
      try {
        reset = Math.max(0, Duration.between(now, OffsetDateTime.parse(at.strip())).toMillis());
      } catch (DateTimeParseException unreadable) {
        reset = 0;
      }
    }
    return new RateObservation.Quota(limit, remaining, reset);
  }

  /** A Go duration ({@code 1m30.5s}, {@code 20ms}, {@code 0s}); empty when unreadable. */
  static Optional<Duration> goDuration(String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String text = value.strip().toLowerCase(Locale.ROOT);
    Matcher part = GO_PART.matcher(text);
    double nanos = 0;
    int end = 0;
    while (part.find()) {
      if (part.start() != end) {
        return Optional.empty();
      }
      end = part.end();
      nanos += Double.parseDouble(part.group(1)) * nanosPer(part.group(2));
    }
    return end == text.length() && end > 0
        ? Optional.of(Duration.ofNanos((long) nanos))
        : Optional.empty();
  }

  private static double nanosPer(String unit) {
    return switch (unit) {
      case "h" -> 3.6e12;
      case "m" -> 6e10;
      case "s" -> 1e9;
      case "ms" -> 1e6;
      case "us", "µs" -> 1e3;
      default -> 1;
    };
  }

  private static Long number(String value) {
    if (value == null) {
      return null;
    }
    try {
      long n = Long.parseLong(value.strip());
      return n < 0 ? null : n;
    } catch (NumberFormatException unreadable) {
      return null;
    }
  }
}
