package dev.lattice.orchestrator.http.auth;

import java.time.Duration;
import java.util.function.Function;

/**
 * Something built for a principal once and reused by its next requests: the API's routes held to
 * it. Building pekko-http's route tree for every request cost a tenth of the API's throughput with
 * authentication on (docs/benchmarks.md, "Authentication"); what is built depends on nothing but
 * the principal, so it is kept for a while, for at most as many principals as keys are remembered.
 */
public final class PerPrincipal<V> {
  private final ExpiringCache<Principal, V> built;
  private final long ttlNanos;

  public PerPrincipal(int maxEntries, Duration ttl) {
    this.built = new ExpiringCache<>(maxEntries);
    this.ttlNanos = ttl.toNanos();
  }

  /** What {@code build} makes for {@code principal}, built now only if not kept. */
  public V get(Principal principal, Function<Principal, V> build) {
    V kept = built.get(principal);
    if (kept != null) {
      return kept;
    }
    V made = build.apply(principal);
    built.put(principal, made, ttlNanos);
    return made;
  }
}
