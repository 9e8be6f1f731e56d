package dev.lattice.orchestrator.ratelimit;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The {@code lattice.dispatch.rate-limits} settings: how dispatchers keep to model providers' rate
 * limits (the limits themselves are each provider's, under {@code lattice.llm.providers}).
 *
 * @param margin how much longer than its window a grant counts, covering the time from the grant to
 *     the request's arrival at the provider
 * @param permitHold how long a dispatcher may keep a grant before sending its attempt; one it could
 *     not send by then is given back. Must stay well below {@code margin}.
 * @param maxAsks how many grants one dispatcher asks for at once, per provider model
 * @param reaskAfter an ask unanswered for this long is sent again (its limiter may have restarted)
 */
public record RateLimitSettings(
    Duration margin, Duration permitHold, int maxAsks, Duration reaskAfter) {

  public RateLimitSettings {
    if (permitHold.compareTo(margin) >= 0) {
      throw new IllegalArgumentException(
          "lattice.dispatch.rate-limits.permit-hold ("
              + permitHold
              + ") must be shorter than its margin ("
              + margin
              + "), or a request sent late could exceed the provider's window");
    }
    if (maxAsks < 1) {
      throw new IllegalArgumentException(
          "lattice.dispatch.rate-limits.max-asks must be at least 1");
    }
  }

  public static RateLimitSettings create(Config config) {
    Config c = config.getConfig("lattice.dispatch.rate-limits");
    return new RateLimitSettings(
        c.getDuration("margin"),
        c.getDuration("permit-hold"),
        c.getInt("max-asks"),
        c.getDuration("reask-after"));
  }
}
