package dev.lattice.orchestrator.run.core;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.run.core.RunScenario.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.plan.RetryPolicy;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.StepStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Backoff and every time limit, decided with explicit times: each deadline follows from persisted
 * times (so a recovered run arms the same ones), fires no earlier than it is due, and does nothing
 * once the step or run has moved on.
 */
class RunTimeLimitsTest {
  private static final String RETRIED =
      "{'steps': [{'id': 'a', 'capability': 'echo', 'retry': {'maxAttempts': 4,"
          + " 'initialBackoffMs': 1000, 'maxBackoffMs': 3000, 'multiplier': 2.0, 'jitter': 0.0}}]}";

  private final RunScenario run = new RunScenario();

  @Test
  void backoffGrowsByItsMultiplierUpToItsMaximumAndEachRetryWaitsForItsPersistedTime() {
    run.start(RETRIED);
    long[] expectedDelays = {1000, 2000, 3000};
    var now = T0;
    for (int attempt = 1; attempt <= expectedDelays.length; attempt++) {
      now = now.plusMillis(10);
      run.result("a", StepOutcome.failed(ErrorClass.RATE_LIMITED, "slow down", null), now);
      RunDeadline retry = run.deadline(RunDeadline.Kind.RETRY, "a");
      assertThat(retry.at()).isEqualTo(now.plusMillis(expectedDelays[attempt - 1]));
      assertThat(retry.attempt()).isEqualTo(attempt + 1);
      // A moment too early changes nothing; at the due time the next attempt goes out.
      assertThat(run.fire(retry, retry.at().minusMillis(1))).isEmpty();
      assertThat(run.fire(retry, retry.at()))
          .singleElement()
          .isInstanceOf(RunChange.StepDispatched.class);
      now = retry.at();
    }
    assertThat(run.state.step("a").attempt()).isEqualTo(4);
    run.assertReplayMatches();
  }

  @Test
  void jitterMovesTheDelayWithinItsShareAndIsKeptInTheEvent() {
    assertThat(RetryBackoff.delay(policy(0.5), 1, 0.0)).isEqualTo(Duration.ofMillis(500));
    assertThat(RetryBackoff.delay(policy(0.5), 1, 0.5)).isEqualTo(Duration.ofMillis(1000));
    assertThat(RetryBackoff.delay(policy(0.5), 1, 0.999)).isEqualTo(Duration.ofMillis(1499));
    // The cap holds after jitter too.
    assertThat(RetryBackoff.delay(policy(0.5), 5, 0.999)).isEqualTo(Duration.ofMillis(3000));
  }

  @Test
  void backoffOfHugeFiguresStopsAtItsMaximumWithoutOverflowing() {
    var huge = new RetryPolicy(100, Long.MAX_VALUE, Long.MAX_VALUE, 1e300, 1.0, null);
    assertThat(RetryBackoff.delay(huge, 99, 0.999)).isEqualTo(Duration.ofMillis(Long.MAX_VALUE));
    var months =
        new RetryPolicy(
            100, Duration.ofDays(300).toMillis(), Duration.ofDays(366).toMillis(), 10.0, 0.0, null);
    assertThat(RetryBackoff.delay(months, 99, 0.5)).isEqualTo(Duration.ofDays(366));
  }

  private static RetryPolicy policy(double jitter) {
    return new RetryPolicy(5, 1000L, 3000L, 2.0, jitter, null);
  }

  @Test
  void anAttemptNobodyPicksUpTimesOutAndIsRetried() {
    run.start(
        "{'steps': [{'id': 'a', 'capability': 'echo', 'timeouts': {'scheduleToStartMs': 500}}]}");
    RunDeadline deadline = run.deadline(RunDeadline.Kind.SCHEDULE_TO_START, "a");
    assertThat(deadline.at()).isEqualTo(T0.plusMillis(500));
    assertThat(run.fire(deadline, T0.plusMillis(499))).isEmpty();
    run.fire(deadline, T0.plusMillis(500));
    assertThat(run.status("a")).isEqualTo(StepStatus.RETRY_WAIT);
    assertThat(run.state.step("a").error().errorClass()).isEqualTo(ErrorClass.TIMEOUT);
    assertThat(run.state.step("a").error().message())
        .isEqualTo("no agent picked up attempt 1 within 500 ms");
    run.assertReplayMatches();
  }

  @Test
  void anAttemptAnAgentStartedIsNoLongerSubjectToScheduleToStart() {
    run.start(
        "{'steps': [{'id': 'a', 'capability': 'echo', 'timeouts': {'scheduleToStartMs': 500}}]}");
    RunDeadline deadline = run.deadline(RunDeadline.Kind.SCHEDULE_TO_START, "a");
    run.started("a", T0.plusMillis(100));
    assertThat(run.has(RunDeadline.Kind.SCHEDULE_TO_START)).isFalse();
    assertThat(run.fire(deadline, T0.plusSeconds(1))).as("a stale deadline").isEmpty();
  }

  @Test
  void aRunningAttemptWhoseAgentNeverReportsTimesOutAfterItsLimitAndTheGrace() {
    run.start(
        "{'steps': [{'id': 'a', 'capability': 'echo', 'retry': {'maxAttempts': 1},"
            + " 'timeouts': {'startToCloseMs': 2000}}]}");
    run.started("a", T0.plusMillis(100));
    RunDeadline deadline = run.deadline(RunDeadline.Kind.START_TO_CLOSE, "a");
    assertThat(deadline.at()).isEqualTo(T0.plusMillis(2100).plus(RunScenario.GRACE));
    run.fire(deadline, deadline.at());
    assertThat(run.state.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.state.cause().errorClass()).isEqualTo(ErrorClass.TIMEOUT);
    assertThat(run.state.cause().message()).contains("did not finish within 2000 ms");
    run.assertReplayMatches();
  }

  @Test
  void aSilentAttemptFailsItsHeartbeatButOneThatFinishedDoesNot() {
    run.start(
        "{'steps': [{'id': 'a', 'capability': 'echo', 'timeouts': {'heartbeatMs': 300}},"
            + " {'id': 'b', 'capability': 'echo', 'timeouts': {'heartbeatMs': 300}}]}");
    run.started("a", T0.plusMillis(10));
    run.started("b", T0.plusMillis(10));
    run.result("b", StepOutcome.succeeded(json("{}"), null), T0.plusMillis(200));
    // Heartbeat deadlines are counted from the last heartbeat heard, which only the entity knows.
    var silentA = new RunDeadline(RunDeadline.Kind.HEARTBEAT, "a", 1, T0.plusMillis(310));
    var silentB = new RunDeadline(RunDeadline.Kind.HEARTBEAT, "b", 1, T0.plusMillis(310));
    assertThat(run.fire(silentB, T0.plusMillis(310))).as("b finished").isEmpty();
    run.fire(silentA, T0.plusMillis(310));
    assertThat(run.status("a")).isEqualTo(StepStatus.RETRY_WAIT);
    assertThat(run.state.step("a").error().message())
        .isEqualTo("attempt 1 sent no heartbeat for 300 ms");
    run.assertReplayMatches();
  }

  @Test
  void theRunDeadlineFailsTheRunWhetherRunningOrPausedAndIsGoneOnceItEnds() {
    String plan = "{'deadlineMs': 5000, 'steps': [{'id': 'a', 'capability': 'echo'}]}";
    run.start(plan);
    RunDeadline deadline = run.deadline(RunDeadline.Kind.RUN, null);
    assertThat(deadline.at()).isEqualTo(T0.plusSeconds(5));
    run.apply(
        run.interventions.lifecycle(
            run.state, InterventionType.PAUSE, new Intervention("ops", null), T0.plusSeconds(1)));
    assertThat(run.has(RunDeadline.Kind.RUN)).as("a paused run's deadline still runs").isTrue();
    run.fire(deadline, T0.plusSeconds(5));
    assertThat(run.state.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.state.cause().stepId()).isNull();
    assertThat(run.state.cause().message()).isEqualTo("the run's deadline of 5000 ms passed");
    assertThat(RunDeadlines.of(run.state, run.progress, RunScenario.GRACE)).isEmpty();
    run.assertReplayMatches();

    RunScenario finished = new RunScenario().start(plan);
    finished.result("a", StepOutcome.succeeded(json("{}"), null), T0.plusSeconds(1));
    assertThat(finished.fire(deadline, T0.plusSeconds(5))).isEmpty();
  }

  @Test
  void whilePausedRetriesAndWaitsAreNotArmedButAttemptsInFlightStillTimeOut() {
    run.start(
        "{'steps': [{'id': 'a', 'capability': 'echo', 'timeouts': {'scheduleToStartMs': 500}},"
            + " {'id': 'r', 'capability': 'echo'}, {'id': 'w', 'kind': 'wait', 'durationMs':"
            + " 100}]}");
    run.result("r", StepOutcome.failed(ErrorClass.AGENT_ERROR, "x", null), T0.plusMillis(1));
    assertThat(run.has(RunDeadline.Kind.RETRY)).isTrue();
    assertThat(run.has(RunDeadline.Kind.WAIT)).isTrue();
    run.apply(
        run.interventions.lifecycle(
            run.state, InterventionType.PAUSE, new Intervention("ops", null), T0.plusMillis(2)));
    assertThat(run.has(RunDeadline.Kind.RETRY)).isFalse();
    assertThat(run.has(RunDeadline.Kind.WAIT)).isFalse();
    assertThat(run.has(RunDeadline.Kind.SCHEDULE_TO_START)).isTrue();
    run.apply(
        run.interventions.lifecycle(
            run.state, InterventionType.RESUME, new Intervention("ops", null), T0.plusSeconds(2)));
    // Both were due while paused: they fire as soon as the run is resumed.
    assertThat(run.deadline(RunDeadline.Kind.RETRY, "r").at()).isBefore(T0.plusSeconds(2));
    assertThat(run.deadline(RunDeadline.Kind.WAIT, "w").at()).isBefore(T0.plusSeconds(2));
  }
}
