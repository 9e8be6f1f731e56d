package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.junit.jupiter.api.Test;

/** Which answers get {@code Retry-After}, and with how many seconds. */
class RetryAfterTest {
  private final RetryAfter retryAfter =
      new RetryAfter(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMillis(60_500));

  private static Optional<String> header(HttpResponse response) {
    return response.getHeader("Retry-After").map(h -> h.value());
  }

  @Test
  void aServiceUnavailableAnswerOfTheApiWaitsTheUnavailableDelay() {
    assertThat(header(retryAfter.onto(HttpResponse.create().withStatus(503), "/api/v1/runs")))
        .contains("1");
  }

  @Test
  void aServiceUnavailableAnswerOfReadyWaitsTheNotReadyDelay() {
    assertThat(header(retryAfter.onto(HttpResponse.create().withStatus(503), "/ready")))
        .contains("5");
  }

  @Test
  void aTooManyRequestsAnswerWaitsTheBudgetDelayRoundedUpToWholeSeconds() {
    assertThat(header(retryAfter.onto(HttpResponse.create().withStatus(429), "/api/v1/execute")))
        .contains("61");
  }

  @Test
  void otherAnswersAndAnswersThatHaveOneAreLeftAlone() {
    assertThat(header(retryAfter.onto(HttpResponse.create().withStatus(200), "/ready"))).isEmpty();
    assertThat(header(retryAfter.onto(HttpResponse.create().withStatus(500), "/api/v1/runs")))
        .isEmpty();
    HttpResponse own =
        HttpResponse.create().withStatus(503).addHeader(RawHeader.create("Retry-After", "9"));
    assertThat(retryAfter.onto(own, "/api/v1/runs").getHeaders()).hasSize(1);
  }

  @Test
  void theDefaultsComeFromReferenceConf() {
    RetryAfter defaults = RetryAfter.create(ConfigFactory.load().getConfig("lattice.http"));
    assertThat(defaults)
        .isEqualTo(
            new RetryAfter(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(60)));
    assertThatThrownBy(() -> new RetryAfter(Duration.ofSeconds(-1), Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
