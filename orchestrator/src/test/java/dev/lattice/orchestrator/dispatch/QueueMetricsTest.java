package dev.lattice.orchestrator.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.ConfigFactory;
import dev.lattice.persistence.metrics.NodeMeters;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.api.QueueWait;
import dev.lattice.protocol.ids.BusKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueMetricsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration WINDOW = Duration.ofSeconds(60);

  private final QueueMetrics metrics = new QueueMetrics(WINDOW, T0, meters(), 100);

  private static DispatchMeters meters() {
    return new DispatchMeters(
        new NodeMeters(ConfigFactory.load()), BusKey.parse("agent/echo/0/default"));
  }

  /** Waits of 1, 2, ... 100 ms. */
  private void recordOneToHundredMillis(Instant at) {
    for (int ms = 1; ms <= 100; ms++) {
      metrics.waited("key", Duration.ofMillis(ms), at);
    }
  }

  @Test
  void percentilesOfKnownWaits() {
    recordOneToHundredMillis(T0.plusSeconds(1));
    QueueWait waits = metrics.waits(T0.plusSeconds(2));
    assertThat(waits.count()).isEqualTo(100);
    // Two significant digits: each figure within 1 % of the exact one.
    assertThat(waits.p50Ms()).isCloseTo(50, within(0.5));
    assertThat(waits.p90Ms()).isCloseTo(90, within(0.9));
    assertThat(waits.p99Ms()).isCloseTo(99, within(1.0));
  }

  @Test
  void subMillisecondAndLongWaitsAreBothKept() {
    metrics.waited("key", Duration.ofNanos(300_000), T0);
    metrics.waited("key", Duration.ofHours(3), T0);
    QueueWait waits = metrics.waits(T0);
    assertThat(waits.count()).isEqualTo(2);
    assertThat(waits.p50Ms()).isCloseTo(0.3, within(0.01));
    assertThat(waits.p99Ms())
        .isCloseTo(Duration.ofHours(3).toMillis(), within(0.01 * 3 * 3_600_000));
  }

  @Test
  void noWaitsYetReadsAsNone() {
    assertThat(metrics.waits(T0)).isEqualTo(QueueWait.NONE);
  }

  @Test
  void percentilesCoverTheLastOneToTwoWindows() {
    // Long waits early on, short ones in the next window: both count while both are recent.
    for (int i = 0; i < 50; i++) {
      metrics.waited("key", Duration.ofSeconds(10), T0.plusSeconds(30));
    }
    for (int i = 0; i < 50; i++) {
      metrics.waited("key", Duration.ofMillis(1), T0.plusSeconds(90));
    }
    QueueWait both = metrics.waits(T0.plusSeconds(100));
    assertThat(both.count()).isEqualTo(100);
    assertThat(both.p99Ms()).isCloseTo(10_000, within(100.0));

    // A window later, the long waits have aged out; the short ones are still there.
    QueueWait later = metrics.waits(T0.plusSeconds(150));
    assertThat(later.count()).isEqualTo(50);
    assertThat(later.p99Ms()).isCloseTo(1, within(0.01));

    // After two quiet windows nothing is left.
    assertThat(metrics.waits(T0.plusSeconds(300))).isEqualTo(QueueWait.NONE);
    metrics.waited("key", Duration.ofMillis(5), T0.plusSeconds(301));
    assertThat(metrics.waits(T0.plusSeconds(302)).count()).isEqualTo(1);
  }

  @Test
  void countsFailuresByErrorClass() {
    metrics.failed(ErrorClass.AGENT_ERROR);
    metrics.failed(ErrorClass.WORKER_LOST);
    metrics.failed(ErrorClass.AGENT_ERROR);
    assertThat(metrics.failures())
        .isEqualTo(Map.of(ErrorClass.AGENT_ERROR, 2L, ErrorClass.WORKER_LOST, 1L));
    // Failures are counted since the start, whatever the wait window.
    assertThat(metrics.waits(T0.plus(WINDOW.multipliedBy(10)))).isEqualTo(QueueWait.NONE);
    assertThat(metrics.failures()).containsEntry(ErrorClass.AGENT_ERROR, 2L);
  }

  @Test
  void aWindowMustBePositive() {
    assertThatThrownBy(() -> new QueueMetrics(Duration.ZERO, T0, meters(), 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
  }
}
