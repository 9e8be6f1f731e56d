package dev.lattice.bench;

import org.HdrHistogram.Histogram;

/** End-to-end latencies of runs, in microseconds, recorded from many threads. */
final class LatencyRecorder {
  private final Histogram histogram = new Histogram(3_600_000_000L, 3);

  synchronized void record(long nanos) {
    histogram.recordValue(Math.max(1, nanos / 1_000));
  }

  /** The latency at {@code percentile}, in milliseconds. */
  synchronized double millisAt(double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1_000.0;
  }

  synchronized long count() {
    return histogram.getTotalCount();
  }
}
