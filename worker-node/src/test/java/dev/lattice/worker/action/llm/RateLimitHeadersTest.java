package dev.lattice.worker.action.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.agent.RateObservation;
import dev.lattice.protocol.agent.RateObservation.Quota;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  @Test
  void readsOpenAisRequestAndTokenHeaders() {
    Map<String, String> headers =
        Map.of(
            "x-ratelimit-limit-requests", "60",
            "x-ratelimit-remaining-requests", "59",
            "x-ratelimit-reset-requests", "1s",
            "x-ratelimit-limit-tokens", "150000",
            "x-ratelimit-remaining-tokens", "149984",
            "x-ratelimit-reset-tokens", "6m0s");

    Optional<RateObservation> read = read(WireProtocol.OPENAI, headers);

    assertThat(read)
        .contains(
            new RateObservation(
                "p",
                "m",
                new Quota(60, 59, 1_000),
                new Quota(150_000, 149_984, Duration.ofMinutes(6).toMillis())));
  }

  @Test
  void readsAnthropicsHeadersWithResetTimes() {
    Map<String, String> headers =
        Map.of(
            "anthropic-ratelimit-requests-limit", "50",
            "anthropic-ratelimit-requests-remaining", "0",
            "anthropic-ratelimit-requests-reset", "2025-03-01T12:00:30Z",
            "anthropic-ratelimit-tokens-limit", "40000",
            "anthropic-ratelimit-tokens-remaining", "39000",
            "anthropic-ratelimit-tokens-reset", "2025-03-01T11:59:00Z");

    Optional<RateObservation> read = read(WireProtocol.ANTHROPIC, headers);

    assertThat(read)
        .contains(
            new RateObservation("p", "m", new Quota(50, 0, 30_000), new Quota(40_000, 39_000, 0)));
  }

  @Test
  void aQuantityWithoutLimitOrRemainingIsLeftOut() {
    Map<String, String> headers =
        Map.of(
            "x-ratelimit-limit-requests", "60",
            "x-ratelimit-limit-tokens", "1000",
            "x-ratelimit-remaining-tokens", "lots");

    assertThat(read(WireProtocol.OPENAI, headers)).isEmpty();
  }

  @Test
  void aMissingOrUnreadableResetReadsAsNone() {
    Map<String, String> headers =
        Map.of(
            "x-ratelimit-limit-requests", "60",
            "x-ratelimit-remaining-requests", "10",
            "x-ratelimit-reset-requests", "later");

    assertThat(read(WireProtocol.OPENAI, headers).orElseThrow().requests())
        .isEqualTo(new Quota(60, 10, 0));
  }

  @Test
  void answersWithoutRateLimitHeadersReportNothing() {
    assertThat(read(WireProtocol.OPENAI, Map.of("content-type", "application/json"))).isEmpty();
    assertThat(read(WireProtocol.ANTHROPIC, Map.of())).isEmpty();
  }

  @Test
  void readsGoDurations() {
    assertThat(RateLimitHeaders.goDuration("20ms")).contains(Duration.ofMillis(20));
    assertThat(RateLimitHeaders.goDuration("1m30.5s")).contains(Duration.ofMillis(90_500));
    assertThat(RateLimitHeaders.goDuration("1h2m")).contains(Duration.ofMinutes(62));
    assertThat(RateLimitHeaders.goDuration("0s")).contains(Duration.ZERO);
    assertThat(RateLimitHeaders.goDuration("6m0s")).contains(Duration.ofMinutes(6));
    assertThat(RateLimitHeaders.goDuration("5 s")).isEmpty();
    assertThat(RateLimitHeaders.goDuration("s")).isEmpty();
    assertThat(RateLimitHeaders.goDuration("")).isEmpty();
  }

  private static Optional<RateObservation> read(
      WireProtocol protocol, Map<String, String> headers) {
    return RateLimitHeaders.read("p", protocol, "m", headers::get, NOW);
  }
}
