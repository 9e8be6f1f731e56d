package dev.lattice.worker.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.lattice.protocol.agent.BreakerState;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.worker.agent.Breaker.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BreakerTest {
  private static final BreakerSettings SETTINGS =
      new BreakerSettings(true, 3, Duration.ofSeconds(10), 2.0, Duration.ofSeconds(30));
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  /** A breaker that just opened at {@code T0 + 3 s}, after three failures. */
  private static Breaker tripped() {
    Breaker breaker = Breaker.closed(T0, SETTINGS.coolDown());
    for (int i = 1; i <= 3; i++) {
      breaker = breaker.record("k" + i, Verdict.FAILURE, at(i), SETTINGS);
    }
    return breaker;
  }

  @Test
  void opensAfterMaxConsecutiveFailuresForItsCoolDown() {
    Breaker breaker = Breaker.closed(T0, SETTINGS.coolDown());
    breaker = breaker.record("k1", Verdict.FAILURE, at(1), SETTINGS);
    breaker = breaker.record("k2", Verdict.FAILURE, at(2), SETTINGS);
    assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(breaker.failures()).isEqualTo(2);
    assertThat(breaker.refusal(at(2))).isNull();

    breaker = breaker.record("k3", Verdict.FAILURE, at(3), SETTINGS);
    assertThat(breaker.status().state()).isEqualTo(BreakerState.OPEN);
    assertThat(breaker.status().consecutiveFailures()).isEqualTo(3);
    assertThat(breaker.status().since()).isEqualTo(at(3));
    assertThat(breaker.status().openUntil()).isEqualTo(at(13));
    assertThat(breaker.refusal(at(4))).isEqualTo(Duration.ofSeconds(9));
  }

  @Test
  void aSuccessResetsTheCountAndTheCallersOwnFailuresNeitherCountNorReset() {
    Breaker breaker = Breaker.closed(T0, SETTINGS.coolDown());
    breaker = breaker.record("k1", Verdict.FAILURE, at(1), SETTINGS);
    breaker = breaker.record("k2", Verdict.FAILURE, at(2), SETTINGS);
    breaker = breaker.record("k3", Verdict.NEUTRAL, at(3), SETTINGS);
    assertThat(breaker.failures()).isEqualTo(2);
    breaker = breaker.record("k4", Verdict.SUCCESS, at(4), SETTINGS);
    assertThat(breaker.failures()).isZero();
    breaker = breaker.record("k5", Verdict.FAILURE, at(5), SETTINGS);
    breaker = breaker.record("k6", Verdict.FAILURE, at(6), SETTINGS);
    assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
  }

  @Test
  void afterTheCoolDownExactlyOneAssignmentPassesAsTheProbe() {
    Breaker open = tripped();
    Breaker halfOpen = open.due(at(13));
    assertThat(halfOpen.state()).isEqualTo(BreakerState.HALF_OPEN);
    assertThat(halfOpen.status().since()).isEqualTo(at(13));
    assertThat(halfOpen.refusal(at(13))).isNull();

    Breaker probing = halfOpen.admit("probe", at(14));
    assertThat(probing.refusal(at(14))).isEqualTo(Duration.ZERO);
    // Without its timer having fired, an open breaker past its cool-down also lets one through.
    Breaker probingLate = open.admit("probe", at(20));
    assertThat(probingLate.state()).isEqualTo(BreakerState.HALF_OPEN);
    assertThat(probingLate.refusal(at(20))).isEqualTo(Duration.ZERO);
  }

  @Test
  void aSuccessfulProbeClosesTheBreaker() {
    Breaker probing = tripped().due(at(13)).admit("probe", at(13));
    Breaker closed = probing.record("probe", Verdict.SUCCESS, at(14), SETTINGS);
    assertThat(closed).isEqualTo(Breaker.closed(at(14), SETTINGS.coolDown()));
  }

  @Test
  void aFailedProbeOpensItAgainForLongerUpToTheLongestCoolDown() {
    Breaker again =
        tripped().due(at(13)).admit("p1", at(13)).record("p1", Verdict.FAILURE, at(14), SETTINGS);
    assertThat(again.state()).isEqualTo(BreakerState.OPEN);
    assertThat(again.failures()).isEqualTo(4);
    assertThat(again.openUntil()).isEqualTo(at(34));

    Breaker third =
        again.due(at(34)).admit("p2", at(34)).record("p2", Verdict.FAILURE, at(35), SETTINGS);
    assertThat(third.openUntil()).isEqualTo(at(65));
  }

  @Test
  void onlyTheProbeDecidesWhileTheBreakerIsNotClosed() {
    Breaker open = tripped();
    assertThat(open.record("late", Verdict.SUCCESS, at(5), SETTINGS)).isEqualTo(open);
    Breaker probing = open.due(at(13)).admit("probe", at(13));
    assertThat(probing.record("late", Verdict.SUCCESS, at(14), SETTINGS)).isEqualTo(probing);
    assertThat(probing.record("late", Verdict.FAILURE, at(14), SETTINGS)).isEqualTo(probing);
  }

  @Test
  void aProbeEndedByTheCallerLetsTheNextAssignmentProbe() {
    Breaker probing = tripped().due(at(13)).admit("probe", at(13));
    Breaker waiting = probing.record("probe", Verdict.NEUTRAL, at(14), SETTINGS);
    assertThat(waiting.state()).isEqualTo(BreakerState.HALF_OPEN);
    assertThat(waiting.refusal(at(14))).isNull();
  }

  @Test
  void failuresThatPointAtTheAgentCountAndTheCallersOwnDoNot() {
    Map<ErrorClass, Verdict> verdicts =
        Arrays.stream(ErrorClass.values())
            .collect(
                Collectors.toMap(
                    Function.identity(), c -> Verdict.of(StepOutcome.failed(c, "failed", null))));
    assertThat(verdicts)
        .containsEntry(ErrorClass.AGENT_ERROR, Verdict.FAILURE)
        .containsEntry(ErrorClass.TIMEOUT, Verdict.FAILURE)
        .containsEntry(ErrorClass.RATE_LIMITED, Verdict.FAILURE)
        .containsEntry(ErrorClass.AUTH, Verdict.FAILURE)
        .containsEntry(ErrorClass.MALFORMED_OUTPUT, Verdict.FAILURE)
        .containsEntry(ErrorClass.INVALID_INPUT, Verdict.NEUTRAL)
        .containsEntry(ErrorClass.BUDGET_EXCEEDED, Verdict.NEUTRAL)
        .containsEntry(ErrorClass.POLICY_DENIED, Verdict.NEUTRAL)
        .containsEntry(ErrorClass.CANCELLED, Verdict.NEUTRAL);
    assertThat(Verdict.of(StepOutcome.succeeded(NullNode.getInstance(), null)))
        .isEqualTo(Verdict.SUCCESS);
  }
}
