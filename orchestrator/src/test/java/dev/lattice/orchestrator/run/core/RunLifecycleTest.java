package dev.lattice.orchestrator.run.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.run.RunStatus;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RunLifecycleTest {
  private static final Map<RunStatus, Set<RunStatus>> EXPECTED =
      Map.of(
          RunStatus.QUEUED, EnumSet.of(RunStatus.RUNNING, RunStatus.CANCELLED),
          RunStatus.RUNNING,
              EnumSet.of(
                  RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.PAUSED),
          // A run deadline passes whether the run is paused or not.
          RunStatus.PAUSED, EnumSet.of(RunStatus.RUNNING, RunStatus.CANCELLED, RunStatus.FAILED),
          RunStatus.COMPLETED, EnumSet.noneOf(RunStatus.class),
          RunStatus.FAILED, EnumSet.noneOf(RunStatus.class),
          RunStatus.CANCELLED, EnumSet.noneOf(RunStatus.class));

  static Stream<Arguments> everyPair() {
    return Stream.of(RunStatus.values())
        .flatMap(from -> Stream.of(RunStatus.values()).map(to -> Arguments.of(from, to)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("everyPair")
  void allowsExactlyTheDesignedTransitions(RunStatus from, RunStatus to) {
    boolean expected = EXPECTED.get(from).contains(to);
    assertThat(RunLifecycle.allows(from, to)).isEqualTo(expected);
    if (expected) {
      assertThat(RunLifecycle.transition(from, to)).isEqualTo(to);
    } else {
      assertThatThrownBy(() -> RunLifecycle.transition(from, to))
          .isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining(from.wire())
          .hasMessageContaining(to.wire());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("statuses")
  void terminalStatusesAllowNothing(RunStatus status) {
    assertThat(RunLifecycle.next(status).isEmpty()).isEqualTo(status.terminal());
  }

  static Stream<RunStatus> statuses() {
    return Stream.of(RunStatus.values());
  }
}
