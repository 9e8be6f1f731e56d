package dev.lattice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JitWarmupTest {
  /** A workload that reports 1 ms per run without running anything, and counts its batches. */
  private final List<Integer> batches = new ArrayList<>();

  private final JitWarmup.Driver millisecondRuns =
      runs -> {
        batches.add(runs);
        return runs / 1000.0;
      };

  @Test
  void withoutTimeRunsOnlyTheMinimum() throws Exception {
    JitWarmup.Result result = JitWarmup.run(millisecondRuns, 30, Duration.ZERO);

    assertThat(batches).containsExactly(30);
    assertThat(result.runs()).isEqualTo(30);
    assertThat(result.quiet()).isFalse();
    assertThat(result.describe()).contains("30 runs").contains("not yet quiet");
  }

  @Test
  void goesOnInBatchesOfTheWindowUntilTheCompilersAreQuiet() throws Exception {
    // Each batch reports 2 s of runs while taking microseconds of real time: the compilers
    // cannot have used 3 % of it, so the first batch after the minimum finds them quiet.
    JitWarmup.Result result = JitWarmup.run(millisecondRuns, 30, Duration.ofMinutes(1));

    assertThat(batches).containsExactly(30, 2000);
    assertThat(result.runs()).isEqualTo(2030);
    assertThat(result.quiet()).isTrue();
    assertThat(result.describe()).doesNotContain("not yet quiet");
  }
}
