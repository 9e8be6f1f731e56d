package dev.lattice.modelserver.http;

import dev.lattice.modelserver.script.RateLimits;
import dev.lattice.modelserver.script.Script;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The script's rate limits: one window for the whole server and one per model that has limits. A
 * request is refused when a window that applies to it is full; an admitted request counts in every
 * window that applies, and its answer's tokens once known. Thread-safe.
 */
public final class RateLimiter {

  /**
   * Whether a request may be answered.
   *
   * @param retryAfter how long the client should wait; empty when admitted
   * @param status what the rate-limit headers report
   */
  public record Admission(Optional<Duration> retryAfter, RateStatus status) {
    public boolean admitted() {
      return retryAfter.isEmpty();
    }
  }

  private final Clock clock;
  private final Optional<RateWindow> server;
  private final Map<String, RateWindow> models = new HashMap<>();

  public RateLimiter(Script script, Clock clock) {
    this.clock = clock;
    this.server = Optional.ofNullable(script.rateLimits()).map(RateWindow::new);
    for (Map.Entry<String, RateLimits> e : script.modelRateLimits().entrySet()) {
      models.put(e.getKey(), new RateWindow(e.getValue()));
    }
  }

  /** Admits a request for {@code model} and counts it, or says how long to wait. */
  public synchronized Admission admit(String model) {
    var now = clock.instant();
    Optional<RateWindow> forModel = Optional.ofNullable(models.get(model));
    Optional<Duration> wait =
        longer(server.flatMap(w -> w.wait(now)), forModel.flatMap(w -> w.wait(now)));
    if (wait.isEmpty()) {
      server.ifPresent(w -> w.countRequest(now));
      forModel.ifPresent(w -> w.countRequest(now));
    }
    return new Admission(wait, status(model));
  }

  /** Counts the tokens of an answer to a request for {@code model}. */
  public synchronized void spend(String model, long tokens) {
    var now = clock.instant();
    server.ifPresent(w -> w.countTokens(now, tokens));
    Optional.ofNullable(models.get(model)).ifPresent(w -> w.countTokens(now, tokens));
  }

  /** What the headers report for {@code model}: its own window if it has one, else the server's. */
  public synchronized RateStatus status(String model) {
    var now = clock.instant();
    return Optional.ofNullable(models.get(model))
        .or(() -> server)
        .map(w -> w.status(now))
        .orElse(RateStatus.unlimited());
  }

  private static Optional<Duration> longer(Optional<Duration> a, Optional<Duration> b) {
    if (a.isEmpty()) {
      return b;
    }
    return b.isPresent() && b.get().compareTo(a.get()) > 0 ? b : a;
  }
}
