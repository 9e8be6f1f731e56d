package dev.lattice.protocol.time;

import java.time.Duration;
import java.time.Instant;

/**
 * Time arithmetic that saturates instead of overflowing: a deadline past {@link #LATEST} is {@link
 * #LATEST}. A deadline that far away never falls due, which is what an unbounded duration means,
 * whereas an exception in a command handler or a timer breaks a run for good.
 */
public final class SaturatingTime {
  /**
   * The latest instant every part of the system can hold: its epoch milliseconds fit a long (JDBC
   * timestamps, read models and {@link Instant#toEpochMilli()} need that; {@link Instant#MAX} does
   * not).
   */
  public static final Instant LATEST = Instant.ofEpochMilli(Long.MAX_VALUE);

  /** The earliest such instant. */
  public static final Instant EARLIEST = Instant.ofEpochMilli(Long.MIN_VALUE);

  private SaturatingTime() {}

  /** {@code at + duration}, or {@link #LATEST} ({@link #EARLIEST}) beyond it. */
  public static Instant plus(Instant at, Duration duration) {
    // Both differences fit a Duration (its seconds are a long), so the comparisons cannot overflow.
    if (duration.compareTo(Duration.between(at, LATEST)) > 0) {
      return LATEST;
    }
    if (duration.compareTo(Duration.between(at, EARLIEST)) < 0) {
      return EARLIEST;
    }
    return at.plus(duration);
  }

  /** {@code at + millis} milliseconds, saturating like {@link #plus(Instant, Duration)}. */
  public static Instant plusMillis(Instant at, long millis) {
    return plus(at, Duration.ofMillis(millis));
  }

  /**
   * How long from {@code now} until {@code at}, but never less than zero nor more than {@code
   * horizon}: the delay to arm a timer with, which is armed again if it fires before {@code at}.
   */
  public static Duration delayWithin(Instant now, Instant at, Duration horizon) {
    Duration delay = Duration.between(now, at);
    if (delay.isNegative()) {
      return Duration.ZERO;
    }
    return delay.compareTo(horizon) > 0 ? horizon : delay;
  }
}
