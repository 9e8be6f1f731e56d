package dev.lattice.persistence.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.run.StepDelta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeltaQueueTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static StepDelta delta(String step, int attempt, long offset, String text) {
    return StepDelta.of("r1", step, attempt, 1, offset, offset == 0, text, T0.plusMillis(offset));
  }

  private static List<StepDelta> drain(DeltaQueue queue) {
    List<StepDelta> out = new ArrayList<>();
    for (StepDelta d = queue.poll(); d != null; d = queue.poll()) {
      out.add(d);
    }
    return out;
  }

  @Test
  void mergesTheFollowingTextOfAStepIntoOneDeltaWithTheEarliestTime() {
    DeltaQueue queue = new DeltaQueue(8, 1000);
    queue.add(delta("a", 1, 0, "Hel"));
    queue.add(delta("b", 1, 0, "x"));
    queue.add(delta("a", 1, 3, "lo "));
    queue.add(delta("a", 1, 6, "world"));

    List<StepDelta> out = drain(queue);

    assertThat(out).hasSize(2);
    assertThat(out.get(0).text()).isEqualTo("Hello world");
    assertThat(out.get(0).offset()).isZero();
    assertThat(out.get(0).reset()).isTrue();
    assertThat(out.get(0).at()).isEqualTo(T0);
    assertThat(out.get(1).text()).isEqualTo("x");
    assertThat(queue.chars()).isZero();
  }

  @Test
  void aResetReplacesWhatIsPendingForItsStep() {
    DeltaQueue queue = new DeltaQueue(8, 1000);
    queue.add(delta("a", 1, 0, "first attempt"));
    queue.add(delta("b", 1, 0, "other step"));
    queue.add(delta("a", 2, 0, "second"));

    List<StepDelta> out = drain(queue);

    assertThat(out).extracting(StepDelta::text).containsExactly("other step", "second");
    assertThat(out.get(1).attempt()).isEqualTo(2);
  }

  @Test
  void doesNotMergeAcrossAGapOrAnotherTry() {
    DeltaQueue queue = new DeltaQueue(8, 1000);
    queue.add(delta("a", 1, 0, "abc"));
    queue.add(delta("a", 1, 5, "fg"));
    queue.add(StepDelta.of("r1", "a", 1, 2, 2, false, "zz", T0));

    assertThat(drain(queue)).extracting(StepDelta::text).containsExactly("abc", "fg", "zz");
  }

  @Test
  void holdsNoMoreThanItsCharactersAndMarksTheCutAsAReset() {
    DeltaQueue queue = new DeltaQueue(8, 10);
    long offset = 0;
    for (int i = 0; i < 100; i++) {
      queue.add(delta("a", 1, offset, "abcd"));
      offset += 4;
      assertThat(queue.chars()).isLessThanOrEqualTo(10);
    }

    List<StepDelta> out = drain(queue);

    assertThat(out).hasSize(1);
    StepDelta kept = out.get(0);
    assertThat(kept.text()).hasSize(10);
    assertThat(kept.end()).isEqualTo(400);
    assertThat(kept.offset()).isEqualTo(390);
    assertThat(kept.reset()).isTrue();
  }

  @Test
  void holdsNoMoreThanItsEntriesAndTheNextDeltaOfADroppedStepResets() {
    DeltaQueue queue = new DeltaQueue(3, 1000);
    for (int i = 0; i < 10; i++) {
      queue.add(delta("s" + i, 1, 0, "t" + i));
      assertThat(queue.size()).isLessThanOrEqualTo(3);
    }
    // s0 was dropped: its next delta, which would have followed, now starts the text held.
    queue.add(delta("s0", 1, 2, "more"));

    List<StepDelta> out = drain(queue);

    assertThat(out).hasSize(3);
    StepDelta last = out.get(2);
    assertThat(last.stepId()).isEqualTo("s0");
    assertThat(last.reset()).isTrue();
    assertThat(last.offset()).isEqualTo(2);
  }

  @Test
  void neverSplitsASurrogatePair() {
    // Keeping the last two characters would keep half of the emoji: the cut moves past it.
    DeltaQueue queue = new DeltaQueue(8, 2);
    queue.add(delta("a", 1, 0, "a\uD83D\uDE00b"));

    StepDelta kept = queue.poll();

    assertThat(kept.text()).isEqualTo("b");
    assertThat(kept.offset()).isEqualTo(3);
  }
}
