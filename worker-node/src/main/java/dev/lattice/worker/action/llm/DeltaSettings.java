package dev.lattice.worker.action.llm;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The {@code lattice.llm.deltas} settings: how a streamed answer's text is gathered before it goes
 * to the run's followers.
 *
 * @param flushInterval how long the first piece of text waits for more before the gathered text
 *     goes out (zero sends every piece at once)
 * @param maxBatchChars gathered text of this length goes out at once, whatever the interval
 */
public record DeltaSettings(Duration flushInterval, int maxBatchChars) {
  public DeltaSettings {
    if (flushInterval.isNegative() || maxBatchChars < 1) {
      throw new IllegalArgumentException(
          "lattice.llm.deltas: need flush-interval >= 0 and max-batch-chars >= 1");
    }
  }

  /** Reads {@code c}, the {@code lattice.llm.deltas} section. */
  static DeltaSettings create(Config c) {
    return new DeltaSettings(c.getDuration("flush-interval"), c.getInt("max-batch-chars"));
  }
}
