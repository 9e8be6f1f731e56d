package dev.lattice.orchestrator.retention;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code lattice.retention} settings.
 *
 * @param finishedRunAge how long after its last change a finished run is deleted; empty when
 *     retention is off
 * @param sweepInterval the time between sweeps
 * @param batchSize runs deleted per transaction
 */
public record RetentionSettings(
    Optional<Duration> finishedRunAge, Duration sweepInterval, int batchSize) {

  private static final String OFF = "off";

  public RetentionSettings {
    if (finishedRunAge.isPresent() && !positive(finishedRunAge.get())) {
      throw new IllegalArgumentException("lattice.retention.finished-run-age must be positive");
    }
    if (!positive(sweepInterval)) {
      throw new IllegalArgumentException("lattice.retention.sweep-interval must be positive");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("lattice.retention.batch-size must be at least 1");
    }
  }

  private static boolean positive(Duration duration) {
    return !duration.isNegative() && !duration.isZero();
  }

  /** Whether finished runs are deleted at all. */
  public boolean enabled() {
    return finishedRunAge.isPresent();
  }

  public static RetentionSettings create(Config config) {
    Config c = config.getConfig("lattice.retention");
    String age = c.getString("finished-run-age").trim();
    Optional<Duration> finishedRunAge =
        age.equalsIgnoreCase(OFF) || age.equalsIgnoreCase(Boolean.FALSE.toString())
            ? Optional.empty()
            : Optional.of(c.getDuration("finished-run-age"));
    RetentionSettings settings =
        new RetentionSettings(
            finishedRunAge, c.getDuration("sweep-interval"), c.getInt("batch-size"));
    Duration inMemory = config.getDuration("lattice.run.passivate-after-terminal");
    if (finishedRunAge.isPresent() && finishedRunAge.get().compareTo(inMemory) <= 0) {
      // A finished run stays in memory this long to answer late questions; deleting it sooner
      // would leave it answering for a run that is gone.
      throw new IllegalArgumentException(
          "lattice.retention.finished-run-age ("
              + age
              + ") must be longer than lattice.run.passivate-after-terminal ("
              + inMemory
              + ")");
    }
    return settings;
  }
}
