package dev.lattice.modelserver.http;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a client stands against a rate limit window, as the rate-limit headers report it. A
 * dimension without a limit is empty.
 *
 * @param requests the requests' limit, remaining and reset
 * @param tokens the tokens' limit, remaining and reset
 */
public record RateStatus(Optional<Dimension> requests, Optional<Dimension> tokens) {

  /**
   * One limited quantity.
   *
   * @param limit what a minute allows
   * @param remaining what is left now
   * @param reset how long until the window is whole again
   */
  public record Dimension(long limit, long remaining, Duration reset) {}

  public static RateStatus unlimited() {
    return new RateStatus(Optional.empty(), Optional.empty());
  }
}
