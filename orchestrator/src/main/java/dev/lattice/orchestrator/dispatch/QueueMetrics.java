package dev.lattice.orchestrator.dispatch;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.api.QueueView;
import dev.lattice.protocol.api.QueueWait;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.BusKey;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The figures of one dispatcher's queue: its depth and what it has in flight on each agent, how
 * long assignments waited from being accepted to being handed to an agent (percentiles of the
 * recent waits), and how many attempts finished with an error, by error class (counted since the
 * dispatcher started, as a metrics counter is).
 *
 * <p>Waits are kept in two histograms, the current window and the one before it; percentiles are
 * read over both, so they always cover between one and two windows of the latest waits and a burst
 * long past no longer weighs on them. Everything is recorded through {@link #waited} and {@link
 * #failed}, the two places a meter registry (a Prometheus endpoint) would be fed from.
 *
 * <p>Not thread-safe: it belongs to its dispatcher's actor.
 */
final class QueueMetrics {
  /** Waits are read to within 1 %, plenty for percentiles, in little memory per queue. */
  private static final int SIGNIFICANT_DIGITS = 2;

  private static final double MICROS_PER_MILLI = 1_000.0;
  private static final double P50 = 50;
  private static final double P90 = 90;
  private static final double P99 = 99;

  private final Duration window;
  private final Map<ErrorClass, Long> failures = new EnumMap<>(ErrorClass.class);
  private Histogram current = new Histogram(SIGNIFICANT_DIGITS);
  private Histogram previous = new Histogram(SIGNIFICANT_DIGITS);
  private Instant windowStart;
  private final DispatchMeters meters;
  // When each attempt in flight was taken by its agent; not persisted: an attempt in flight when
  // its dispatcher recovered has no duration. At most as many as results are remembered.
  private final Map<String, Instant> runningSince;

  /**
   * @param window how long each of the two windows of waits lasts
   * @param now when the first window starts
   * @param meters where the node's meters are fed
   * @param maxRunning how many attempts in flight are timed at once, at most
   */
  QueueMetrics(Duration window, Instant now, DispatchMeters meters, int maxRunning) {
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("the wait window must be positive, not " + window);
    }
    this.window = window;
    this.windowStart = now;
    this.meters = meters;
    this.runningSince =
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > maxRunning;
          }
        };
  }

  /** The assignment {@code key} was taken by an agent {@code wait} after it was accepted. */
  void waited(String key, Duration wait, Instant now) {
    roll(now);
    current.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(wait.toNanos())));
    meters.waited(wait);
    runningSince.put(key, now);
  }

  /**
   * The attempt of {@code key} ended on {@code agent} with {@code outcome} at {@code now}, using
   * {@code usage} of {@code provider}'s model.
   */
  void ended(
      String key, AgentId agent, StepOutcome outcome, String provider, Usage usage, Instant now) {
    Instant since = runningSince.remove(key);
    if (since != null) {
      meters.ran(
          agent == null ? null : agent.value(),
          outcome instanceof StepOutcome.Failed ? "failed" : "succeeded",
          Duration.between(since, now));
    }
    meters.used(provider, usage);
  }

  /** The attempt of {@code key} ended without a result (taken back, its agent gone). */
  void forget(String key) {
    runningSince.remove(key);
  }

  /** An attempt finished here with an error of {@code errorClass}. */
  void failed(ErrorClass errorClass) {
    failures.merge(errorClass, 1L, Long::sum);
  }

  /**
   * The queue of {@code busKey} as it stands in {@code state}, with these figures and the queued
   * assignments held back, by reason.
   */
  QueueView view(BusKey busKey, DispatcherState state, Map<String, Integer> waiting, Instant now) {
    Map<String, Integer> byAgent = new TreeMap<>();
    for (DispatcherState.Entry entry : state.inFlight()) {
      byAgent.merge(entry.agentId().value(), 1, Integer::sum);
    }
    return new QueueView(
        busKey.value(),
        state.queuedCount(),
        state.inFlightCount(),
        byAgent,
        waits(now),
        failures(),
        waiting);
  }

  /** Percentiles of the waits of the current and the previous window. */
  QueueWait waits(Instant now) {
    roll(now);
    Histogram both = previous.copy();
    both.add(current);
    if (both.getTotalCount() == 0) {
      return QueueWait.NONE;
    }
    return new QueueWait(
        both.getTotalCount(), millisAt(both, P50), millisAt(both, P90), millisAt(both, P99));
  }

  /** Failures by error class; classes without any are absent. */
  Map<ErrorClass, Long> failures() {
    return Map.copyOf(failures);
  }

  private static double millisAt(Histogram histogram, double percentile) {
    return histogram.getValueAtPercentile(percentile) / MICROS_PER_MILLI;
  }

  /** Starts a new window when the current one is over; forgets both after a long quiet spell. */
  private void roll(Instant now) {
    Instant end = windowStart.plus(window);
    if (now.isBefore(end)) {
      return;
    }
    if (now.isBefore(end.plus(window))) {
      Histogram recycled = previous;
      recycled.reset();
      previous = current;
      current = recycled;
      windowStart = end;
    } else {
      previous.reset();
      current.reset();
      windowStart = now;
    }
  }
}
