package dev.lattice.orchestrator.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;

import dev.lattice.orchestrator.http.limits.RequestRates;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Keeps callers to their request rates ({@link RequestRates}): a request over its key's or its
 * tenant's rate is answered 429 {@code rate-limited} with {@code Retry-After} at once, before any
 * work, so it costs the node next to nothing and other callers do not wait behind it.
 */
final class RateLimiting {
  private final RequestRates rates;

  RateLimiting(RequestRates rates) {
    this.rates = rates;
  }

  /** {@code inner}, if the caller with {@code key} of {@code tenant} is within its rates. */
  Route limited(String key, String tenant, Supplier<Route> inner) {
    Optional<Duration> wait = rates.take(key, tenant);
    if (wait.isEmpty()) {
      return inner.get();
    }
    return complete(
        RetryAfter.withHeader(
            ProblemHandlers.response(
                Problem.Kind.RATE_LIMITED.with(
                    "over the request rate of "
                        + (wait.isPresent() && key != null
                            ? "this key or its tenant"
                            : "the tenant")
                        + " (lattice.http.rate-limits); retry after the time in Retry-After")),
            wait.get()));
  }
}
