package dev.lattice.orchestrator.http.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestRatesTest {
  private static final RateLimitSettings.Rate OFF = new RateLimitSettings.Rate(0, 0);

  @Test
  void aKeyGetsItsBurstThenWaitsForItsRefillWhileOtherKeysGoOn() {
    RequestRates rates =
        new RequestRates(new RateLimitSettings(new RateLimitSettings.Rate(1, 3), OFF, 1000));
    for (int i = 0; i < 3; i++) {
      assertThat(rates.take("k1", "acme")).isEmpty();
    }
    Optional<Duration> wait = rates.take("k1", "acme");
    assertThat(wait).isPresent();
    // One token a second: the next comes within a second.
    assertThat(wait.get()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(rates.take("k2", "acme")).isEmpty();
  }

  @Test
  void aTenantsLimitHoldsOverAllItsKeysAndOnlyForIt() {
    RequestRates rates =
        new RequestRates(new RateLimitSettings(OFF, new RateLimitSettings.Rate(1, 2), 1000));
    assertThat(rates.take("k1", "acme")).isEmpty();
    assertThat(rates.take("k2", "acme")).isEmpty();
    assertThat(rates.take("k3", "acme")).isPresent();
    assertThat(rates.take("k1", "globex")).isEmpty();
    // Without a key (authentication off) the tenant's limit still holds.
    assertThat(rates.take(null, "acme")).isPresent();
  }

  @Test
  void aRefusedKeySpendsNothingOfItsTenant() {
    RequestRates rates =
        new RequestRates(
            new RateLimitSettings(
                new RateLimitSettings.Rate(1, 1), new RateLimitSettings.Rate(1, 2), 1000));
    assertThat(rates.take("k1", "acme")).isEmpty();
    for (int i = 0; i < 5; i++) {
      assertThat(rates.take("k1", "acme")).isPresent();
    }
    assertThat(rates.take("k2", "acme")).isEmpty();
  }

  @Test
  void pastTheMostBucketsItForgetsThemAndStaysBounded() {
    RequestRates rates =
        new RequestRates(new RateLimitSettings(new RateLimitSettings.Rate(1, 1), OFF, 2));
    assertThat(rates.take("a", null)).isEmpty();
    assertThat(rates.take("a", null)).isPresent();
    assertThat(rates.take("b", null)).isEmpty();
    assertThat(rates.take("c", null)).isEmpty();
    // "a" was forgotten with the others: full again.
    assertThat(rates.take("a", null)).isEmpty();
  }
}
