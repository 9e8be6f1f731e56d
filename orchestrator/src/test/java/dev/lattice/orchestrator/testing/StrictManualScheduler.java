package dev.lattice.orchestrator.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.ThreadFactory;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.testkit.ExplicitlyTriggeredScheduler;
import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;

/**
 * ManualTime's scheduler, but refusing the delays Pekko's real scheduler refuses: more ticks than
 * its wheel counts (2^31 - 1 ticks of {@code pekko.scheduler.tick-duration}, about 248 days at the
 * default 10 ms). ManualTime alone accepts any delay, so a test under it would not notice a timer
 * that a real node cannot arm.
 */
public final class StrictManualScheduler extends ExplicitlyTriggeredScheduler {
  private final long maxDelayNanos;

  public StrictManualScheduler(Config config, LoggingAdapter log, ThreadFactory threadFactory) {
    super(config, log, threadFactory);
    this.maxDelayNanos =
        config.getDuration("pekko.scheduler.tick-duration").toNanos() * Integer.MAX_VALUE;
  }

  /** ManualTime's configuration with this scheduler. */
  public static Config config() {
    return ConfigFactory.parseString(
            "pekko.scheduler.implementation = " + StrictManualScheduler.class.getName())
        .withFallback(ManualTime.config());
  }

  @Override
  public Cancellable scheduleOnce(
      FiniteDuration delay, Runnable runnable, ExecutionContext executor) {
    refuseBeyondTheWheel(delay);
    return super.scheduleOnce(delay, runnable, executor);
  }

  @Override
  public Cancellable schedule(
      FiniteDuration initialDelay,
      FiniteDuration interval,
      Runnable runnable,
      ExecutionContext executor) {
    refuseBeyondTheWheel(initialDelay);
    refuseBeyondTheWheel(interval);
    return super.schedule(initialDelay, interval, runnable, executor);
  }

  private void refuseBeyondTheWheel(FiniteDuration delay) {
    if (delay.toNanos() > maxDelayNanos) {
      throw new IllegalArgumentException(
          "Task scheduled with ["
              + delay.toSeconds()
              + "] seconds delay, which is too far in future, maximum delay is ["
              + (maxDelayNanos / 1_000_000_000L - 1)
              + "] seconds");
    }
  }
}
