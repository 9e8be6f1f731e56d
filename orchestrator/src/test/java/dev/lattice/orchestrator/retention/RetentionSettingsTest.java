package dev.lattice.orchestrator.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetentionSettingsTest {
  private static RetentionSettings settings(String overrides) {
    Config config = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load());
    return RetentionSettings.create(config);
  }

  @Test
  void isOffByDefault() {
    assertThat(settings("").enabled()).isFalse();
  }

  @Test
  void takesAnAge() {
    RetentionSettings settings = settings("lattice.retention.finished-run-age = 30d");
    assertThat(settings.enabled()).isTrue();
    assertThat(settings.finishedRunAge()).contains(Duration.ofDays(30));
  }

  @Test
  void refusesAnAgeAFinishedRunMayStillBeInMemory() {
    assertThatThrownBy(
            () ->
                settings(
                    "lattice.retention.finished-run-age = 5s\n"
                        + "lattice.run.passivate-after-terminal = 10s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("passivate-after-terminal");
  }

  @Test
  void refusesAnEmptyBatch() {
    assertThatThrownBy(() -> settings("lattice.retention.batch-size = 0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batch-size");
  }
}
