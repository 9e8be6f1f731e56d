package dev.lattice.worker.action;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  @Test
  void readsSeconds() {
    assertThat(RetryAfter.parse("30", NOW)).contains(Duration.ofSeconds(30));
  }

  @Test
  void readsAnHttpDateAsTheWaitUntilIt() {
    assertThat(RetryAfter.parse("Sat, 01 Mar 2025 12:01:30 GMT", NOW))
        .contains(Duration.ofSeconds(90));
  }

  @Test
  void aDatePassedMeansNoWait() {
    assertThat(RetryAfter.parse("Sat, 01 Mar 2025 11:00:00 GMT", NOW)).contains(Duration.ZERO);
  }

  @Test
  void ignoresWhatItCannotRead() {
    assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
    assertThat(RetryAfter.parse(null, NOW)).isEmpty();
    assertThat(RetryAfter.parse(" ", NOW)).isEmpty();
  }
}
