package dev.lattice.orchestrator.run.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.run.StepStatus;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StepLifecycleTest {
  private static final Map<StepStatus, Set<StepStatus>> EXPECTED =
      Map.of(
          StepStatus.PENDING,
          EnumSet.of(StepStatus.READY, StepStatus.SKIPPED),
          StepStatus.READY,
          EnumSet.of(
              StepStatus.DISPATCHED, StepStatus.WAITING, StepStatus.SUCCEEDED, StepStatus.FAILED),
          StepStatus.DISPATCHED,
          EnumSet.of(StepStatus.RUNNING, StepStatus.FAILED),
          StepStatus.RUNNING,
          EnumSet.of(StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.WAITING),
          StepStatus.WAITING,
          EnumSet.of(StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.RETRY_WAIT),
          // An override completes a failed step, or one waiting for its retry.
          StepStatus.FAILED,
          EnumSet.of(StepStatus.RETRY_WAIT, StepStatus.SUCCEEDED, StepStatus.WAITING),
          StepStatus.RETRY_WAIT,
          EnumSet.of(StepStatus.READY, StepStatus.SUCCEEDED),
          StepStatus.SUCCEEDED,
          EnumSet.noneOf(StepStatus.class),
          StepStatus.SKIPPED,
          EnumSet.noneOf(StepStatus.class));

  static Stream<Arguments> everyPair() {
    return Stream.of(StepStatus.values())
        .flatMap(from -> Stream.of(StepStatus.values()).map(to -> Arguments.of(from, to)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("everyPair")
  void allowsExactlyTheDesignedTransitions(StepStatus from, StepStatus to) {
    boolean expected = EXPECTED.get(from).contains(to);
    assertThat(StepLifecycle.allows(from, to)).isEqualTo(expected);
    if (expected) {
      assertThat(StepLifecycle.transition("s", from, to)).isEqualTo(to);
    } else {
      assertThatThrownBy(() -> StepLifecycle.transition("s", from, to))
          .isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining("step 's'");
    }
  }
}
