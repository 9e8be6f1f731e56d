package dev.lattice.modelserver.http;

import dev.lattice.modelserver.script.RateLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The requests and tokens of the last window (a minute unless the limits say otherwise) against one
 * set of limits: a sliding window, so a request counts for exactly one window after it was
 * answered. Not thread-safe; {@link RateLimiter} guards it.
 */
final class RateWindow {

  private record Spent(Instant at, long amount) {}

  private final RateLimits limits;
  private final Duration length;
  private final Deque<Spent> requests = new ArrayDeque<>();
  private final Deque<Spent> tokens = new ArrayDeque<>();

  RateWindow(RateLimits limits) {
    this.limits = limits;
    this.length = limits.window();
  }

  /** How long until a request may be answered; empty if it may now. */
  Optional<Duration> wait(Instant now) {
    forgetBefore(now);
    Duration wait = Duration.ZERO;
    if (limits.requestsPerMinute() != null && used(requests) >= limits.requestsPerMinute()) {
      wait = max(wait, untilBelow(requests, limits.requestsPerMinute(), now));
    }
    if (limits.tokensPerMinute() != null && used(tokens) >= limits.tokensPerMinute()) {
      wait = max(wait, untilBelow(tokens, limits.tokensPerMinute(), now));
    }
    return wait.isZero() ? Optional.empty() : Optional.of(wait);
  }

  void countRequest(Instant now) {
    requests.addLast(new Spent(now, 1));
  }

  void countTokens(Instant now, long amount) {
    tokens.addLast(new Spent(now, amount));
  }

  RateStatus status(Instant now) {
    forgetBefore(now);
    return new RateStatus(
        Optional.ofNullable(limits.requestsPerMinute()).map(l -> dimension(requests, l, now)),
        Optional.ofNullable(limits.tokensPerMinute()).map(l -> dimension(tokens, l, now)));
  }

  private RateStatus.Dimension dimension(Deque<Spent> spent, long limit, Instant now) {
    Duration reset =
        spent.isEmpty() ? Duration.ZERO : Duration.between(now, spent.getLast().at().plus(length));
    return new RateStatus.Dimension(limit, Math.max(0, limit - used(spent)), reset);
  }

  /**
   * How long until what the window holds falls below {@code limit}, as its oldest entries leave.
   */
  private Duration untilBelow(Deque<Spent> spent, long limit, Instant now) {
    long used = used(spent);
    for (Spent s : spent) {
      used -= s.amount();
      if (used < limit) {
        return Duration.between(now, s.at().plus(length));
      }
    }
    return Duration.ZERO;
  }

  private void forgetBefore(Instant now) {
    Instant start = now.minus(length);
    while (!requests.isEmpty() && !requests.getFirst().at().isAfter(start)) {
      requests.removeFirst();
    }
    while (!tokens.isEmpty() && !tokens.getFirst().at().isAfter(start)) {
      tokens.removeFirst();
    }
  }

  private static long used(Deque<Spent> spent) {
    return spent.stream().mapToLong(Spent::amount).sum();
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
