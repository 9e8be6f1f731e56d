package dev.lattice.orchestrator.http.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The request rates of callers on this node: a token bucket per key and one per tenant (bucket4j).
 * A request takes a token from its key's bucket, then from its tenant's; when either is empty it is
 * refused, with how long until that bucket has a token again. Thread-safe, lock-free on the way
 * through (bucket4j's buckets are), and bounded in memory: past the most buckets it may keep it
 * forgets them all, and a forgotten bucket is full when it comes back (only a flood of distinct
 * keys or tenants gets there, and each of them still meets its own limit afterwards).
 */
public final class RequestRates {
  private final RateLimitSettings settings;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RequestRates(RateLimitSettings settings) {
    this.settings = settings;
  }

  /**
   * Takes a token for a request of {@code key} of {@code tenant}; empty when it may go on, else how
   * long the caller should wait before asking again. Either may be null: a request without a key
   * (authentication off) is limited per tenant only.
   */
  public Optional<Duration> take(String key, String tenant) {
    if (key != null && settings.perKey().limited()) {
      Optional<Duration> wait = take("key/" + key, settings.perKey());
      if (wait.isPresent()) {
        return wait;
      }
    }
    if (tenant != null && settings.perTenant().limited()) {
      return take("tenant/" + tenant, settings.perTenant());
    }
    return Optional.empty();
  }

  private Optional<Duration> take(String name, RateLimitSettings.Rate rate) {
    if (buckets.size() >= settings.maxBuckets() && !buckets.containsKey(name)) {
      buckets.clear();
    }
    Bucket bucket = buckets.computeIfAbsent(name, ignored -> bucket(rate));
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    return probe.isConsumed()
        ? Optional.empty()
        : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
  }

  private static Bucket bucket(RateLimitSettings.Rate rate) {
    return Bucket.builder()
        .addLimit(
            Bandwidth.builder()
                .capacity(rate.burst())
                .refillGreedy(rate.perSecond(), Duration.ofSeconds(1))
                .build())
        .build();
  }
}
