package dev.lattice.worker.action.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.modelserver.ManualClock;
import dev.lattice.protocol.run.StepDelta;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class DeltaBatcherTest {
  private static final ActorTestKit TEST_KIT = ActorTestKit.create();
  private static final Duration LONG = Duration.ofMinutes(10);

  private final List<StepDelta> sent = new CopyOnWriteArrayList<>();

  @AfterAll
  static void stop() {
    TEST_KIT.shutdownTestKit();
  }

  private DeltaBatcher batcher(Duration interval, int maxBatchChars) {
    return new DeltaBatcher(
        "r1",
        "s",
        3,
        new DeltaSettings(interval, maxBatchChars),
        TEST_KIT.system(),
        Clock.systemUTC(),
        sent::add);
  }

  @Test
  void gathersTokensUntilTheIntervalHasPassed() {
    DeltaBatcher batcher = batcher(Duration.ofMillis(30), 1000);
    Instant before = Instant.now();
    batcher.text("Hel");
    batcher.text("lo");
    assertThat(sent).isEmpty();

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (sent.isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }

    assertThat(sent).hasSize(1);
    StepDelta delta = sent.get(0);
    assertThat(delta.text()).isEqualTo("Hello");
    assertThat(delta.runId()).isEqualTo("r1");
    assertThat(delta.attempt()).isEqualTo(3);
    assertThat(delta.tryNumber()).isEqualTo(1);
    assertThat(delta.offset()).isZero();
    assertThat(delta.reset()).isTrue();
    assertThat(delta.at()).isBetween(before, Instant.now());
  }

  @Test
  void aLongBatchANewTryAndTheEndSendAtOnceWithTheirOffsets() {
    DeltaBatcher batcher = batcher(LONG, 5);
    batcher.text("abc");
    batcher.text("def");
    batcher.text("g");
    batcher.newTry();
    batcher.text("xy");
    batcher.close();
    batcher.text("after the end");

    assertThat(sent)
        .extracting(d -> d.tryNumber() + ":" + d.offset() + ":" + d.reset() + ":" + d.text())
        .containsExactly("1:0:true:abcdef", "1:6:false:g", "2:0:true:xy");
  }

  @Test
  void aPieceAfterTheIntervalSendsTheBatchWithoutWaitingForTheTimer() {
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    DeltaBatcher batcher =
        new DeltaBatcher(
            "r1", "s", 3, new DeltaSettings(LONG, 1000), TEST_KIT.system(), clock, sent::add);
    batcher.text("one ");
    clock.advance(LONG.minusMillis(1));
    batcher.text("two ");
    assertThat(sent).isEmpty();

    clock.advance(Duration.ofMillis(1));
    batcher.text("three");

    assertThat(sent).extracting(StepDelta::text).containsExactly("one two three");
    assertThat(sent.get(0).at()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Test
  void noIntervalSendsEveryToken() {
    DeltaBatcher batcher = batcher(Duration.ZERO, 1000);
    batcher.text("a");
    batcher.text("b");

    assertThat(sent).extracting(StepDelta::text).containsExactly("a", "b");
    assertThat(sent).extracting(StepDelta::offset).containsExactly(0L, 1L);
  }
}
