package dev.lattice.orchestrator.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that runs like the system's and that a test can move on, for a whole node: its timers run
 * on real time, so time must pass for them as well (a clock that stood still would keep every timer
 * short of its due time). With Pekko's ManualTime, use {@link dev.lattice.modelserver.ManualClock}
 * instead.
 */
public final class MutableClock extends Clock {
  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

  /** Moves the clock on by {@code duration}. */
  public void advance(Duration duration) {
    offset.updateAndGet(d -> d.plus(duration));
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a test clock has one zone");
  }
}
