package dev.lattice.orchestrator.http.limits;

import com.typesafe.config.Config;

/**
 * The {@code lattice.http.rate-limits} settings.
 *
 * @param perKey the limit of one API key or token subject
 * @param perTenant the limit of one tenant, over all its keys
 * @param maxBuckets how many buckets are kept at most
 */
public record RateLimitSettings(Rate perKey, Rate perTenant, int maxBuckets) {
  /**
   * A token bucket: {@code perSecond} requests a second on average, {@code burst} at once.
   *
   * @param perSecond the refill rate; 0 for no limit
   * @param burst the bucket's size
   */
  public record Rate(long perSecond, long burst) {
    public Rate {
      if (perSecond < 0 || burst < 0 || (perSecond > 0 && burst < 1)) {
        throw new IllegalArgumentException(
            "lattice.http.rate-limits: per-second and burst must not be negative, and a limit"
                + " needs a burst of at least 1");
      }
    }

    /** Whether this limits anything. */
    public boolean limited() {
      return perSecond > 0;
    }

    static Rate create(Config c) {
      return new Rate(c.getLong("per-second"), c.getLong("burst"));
    }
  }

  public RateLimitSettings {
    if (maxBuckets < 1) {
      throw new IllegalArgumentException("lattice.http.rate-limits.max-buckets must be positive");
    }
  }

  /** {@code lattice.http.rate-limits} of {@code http} (the {@code lattice.http} section). */
  public static RateLimitSettings create(Config http) {
    Config c = http.getConfig("rate-limits");
    return new RateLimitSettings(
        Rate.create(c.getConfig("per-key")),
        Rate.create(c.getConfig("per-tenant")),
        c.getInt("max-buckets"));
  }
}
