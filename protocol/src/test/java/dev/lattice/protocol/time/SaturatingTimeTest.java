package dev.lattice.protocol.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SaturatingTimeTest {
  private static final Instant NOW = Instant.parse("2026-03-01T09:00:00Z");

  @Test
  void addsWhatFits() {
    assertThat(SaturatingTime.plusMillis(NOW, 1500)).isEqualTo(NOW.plusMillis(1500));
    assertThat(SaturatingTime.plus(NOW, Duration.ofDays(366)))
        .isEqualTo(Instant.parse("2027-03-02T09:00:00Z"));
    assertThat(SaturatingTime.plusMillis(NOW, -1)).isEqualTo(NOW.minusMillis(1));
  }

  @Test
  void aDeadlineBeyondTheLastInstantIsTheLastInstant() {
    Instant latest = SaturatingTime.LATEST;
    assertThat(SaturatingTime.plusMillis(NOW, Long.MAX_VALUE)).isEqualTo(latest);
    assertThat(latest.toEpochMilli()).isEqualTo(Long.MAX_VALUE);
    assertThat(SaturatingTime.plus(NOW, Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)))
        .isEqualTo(latest);
    assertThat(SaturatingTime.plus(latest, Duration.ofNanos(1))).isEqualTo(latest);
    assertThat(SaturatingTime.plus(Instant.MAX, Duration.ZERO)).isEqualTo(latest);
    assertThat(SaturatingTime.plusMillis(SaturatingTime.EARLIEST, -1))
        .isEqualTo(SaturatingTime.EARLIEST);
    assertThat(SaturatingTime.plus(Instant.MIN, Duration.ofSeconds(Long.MIN_VALUE)))
        .isEqualTo(SaturatingTime.EARLIEST);
  }

  @Test
  void aTimerDelayStaysWithinItsHorizonAndIsNeverNegative() {
    Duration day = Duration.ofDays(1);
    assertThat(SaturatingTime.delayWithin(NOW, NOW.plusSeconds(30), day))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(SaturatingTime.delayWithin(NOW, NOW.plus(Duration.ofDays(365)), day)).isEqualTo(day);
    assertThat(SaturatingTime.delayWithin(NOW, Instant.MAX, day)).isEqualTo(day);
    assertThat(SaturatingTime.delayWithin(NOW, NOW.minusSeconds(5), day)).isEqualTo(Duration.ZERO);
    assertThat(SaturatingTime.delayWithin(Instant.MAX, Instant.MIN, day)).isEqualTo(Duration.ZERO);
  }
}
