package dev.lattice.worker.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.agent.RejectedOutput;
import dev.lattice.protocol.log.LogLevel;
import dev.lattice.protocol.log.LogLine;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One attempt's log, held to its lines, bytes and line length. */
class BoundedAttemptLogTest {
  @Test
  void countsBytesAsUtf8() {
    assertThat(BoundedAttemptLog.utf8Length("aé€😀")).isEqualTo(1 + 2 + 3 + 4);
  }

  @Test
  void keepsLinesWithinTheBytesThenCountsTheRest() {
    BoundedAttemptLog log =
        new BoundedAttemptLog(new RunLogLimits(100, 10, 100), Clock.systemUTC());
    log.info("12345");
    log.warn("é€");
    log.info("x");

    List<LogLine> lines = log.take(List.of());

    assertThat(lines)
        .extracting(line -> line.level().wire() + " " + line.message())
        .containsExactly(
            "info 12345",
            "warn é€",
            "warn truncated 1 line (lattice.worker.run-log: at most 100 lines and 10 bytes per"
                + " attempt)");
  }

  @Test
  void cutsLongLinesAddsRejectedAnswersAndDropsWritesOnceTaken() {
    BoundedAttemptLog log =
        new BoundedAttemptLog(new RunLogLimits(100, 1000, 3), Clock.systemUTC());
    log.debug("abcdef");

    List<LogLine> lines =
        log.take(List.of(new RejectedOutput(1, List.of("/score: too large"), 2, "{\"score\":9}")));
    log.error("too late");

    assertThat(lines).extracting(LogLine::message).containsExactly("abc…", "ans…");
    assertThat(lines.get(1).level()).isEqualTo(LogLevel.WARN);
    assertThat(log.take(List.of())).isEmpty();
  }
}
