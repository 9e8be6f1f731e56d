package dev.lattice.orchestrator.run;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.ManualClock;
import dev.lattice.orchestrator.run.core.RunProgress;
import dev.lattice.orchestrator.run.core.RunProgressTest;
import dev.lattice.orchestrator.run.core.RunScenario;
import dev.lattice.orchestrator.run.core.RunSettings;
import dev.lattice.orchestrator.run.core.RunState;
import dev.lattice.orchestrator.testing.StrictManualScheduler;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunSpec;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.protocol.time.SaturatingTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The run entity's timers under a controlled clock: Pekko's scheduler and the entity's clock both
 * move only when the test says, so backoff, waits and time limits are checked to the millisecond
 * with no sleeping, and a restart re-arms them from the persisted times. The scheduler refuses the
 * delays Pekko's real one refuses, so timers longer than it can hold are checked as a node runs
 * them.
 */
class RunEntityTimersTest {
  private static final AgentId AGENT = AgentId.of("local.echo");
  // Ten days: far below what the scheduler holds, and few enough steps for a year to pass quickly.
  private static final Duration HORIZON = Duration.ofDays(10);

  /**
   * The journal's circuit breaker times its calls on the same manual scheduler: a write that a
   * timer starts while the test moves time by a horizon would fail as timed out (and stop the run)
   * with the default 10 s. Past the horizon, a call is only timed out if it never completes.
   */
  private static final Config JOURNAL_TIMEOUTS_PAST_THE_HORIZON =
      ConfigFactory.parseString(
          "pekko.persistence.journal-plugin-fallback {\n"
              + "  circuit-breaker.call-timeout = 100d\n"
              + "  recovery-event-timeout = 100d\n"
              + "}\n"
              + "pekko.persistence.snapshot-store-plugin-fallback.circuit-breaker.call-timeout ="
              + " 100d");

  private static final RunSettings SETTINGS = RunProgressTest.settings(HORIZON);

  private ActorTestKit testKit;
  private ManualTime time;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T09:00:00Z"));
  private final RecordingAssignments assignments = new RecordingAssignments();
  private final ConcurrentLinkedQueue<Assignment> sent = assignments.sent;
  private final ConcurrentLinkedQueue<String> withdrawn = assignments.withdrawn;
  private final RunId runId = RunId.random();
  private EventSourcedBehaviorTestKit<RunEntity.Command, RunChange, RunState> run;

  @BeforeEach
  void create() {
    testKit =
        ActorTestKit.create(
            StrictManualScheduler.config()
                .withFallback(JOURNAL_TIMEOUTS_PAST_THE_HORIZON)
                .withFallback(EventSourcedBehaviorTestKit.config()));
    time = ManualTime.get(testKit.system());
    RunServices services =
        new RunServices(SETTINGS, new RunProgress(SETTINGS), assignments, clock, 65_536);
    TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
    run =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), RunEntity.eventSourced(runId, shard.ref(), services, false));
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  /** Time passes, for the entity's clock and for its timers alike. */
  private void pass(Duration duration) {
    clock.advance(duration);
    time.timePasses(duration);
  }

  private void start(String planJson) {
    RunSpec spec = RunScenario.spec(plan(planJson), json("{}"), null);
    run.<StatusReply<RunAccepted>>runCommand(
        replyTo -> new RunEntity.StartRun(spec, false, replyTo));
  }

  private void fail(String stepId, int attempt) {
    run.runCommand(
        new RunEntity.ReportResult(
            new AssignmentResult(
                runId,
                stepId,
                attempt,
                null,
                AGENT,
                StepOutcome.failed(ErrorClass.AGENT_ERROR, "flaky", null))));
  }

  private void cancel() {
    run.<RunEntity.InterventionOutcome>runCommand(
        replyTo ->
            new RunEntity.Intervene(
                InterventionType.CANCEL, new Intervention("test", null), replyTo));
    assertThat(run.getState().status()).isEqualTo(RunStatus.CANCELLED);
  }

  /** {@code horizons} times the horizon passes, with {@code check} after each. */
  private void passHorizons(int horizons, Runnable check) {
    for (int i = 0; i < horizons; i++) {
      pass(HORIZON);
      check.run();
    }
  }

  private StepStatus status(String stepId) {
    // A failure is written by a flush the entity sends itself, before this command is handled.
    return run.getState().step(stepId).status();
  }

  @Test
  void aRetryGoesOutExactlyWhenItsBackoffEndsAndARestartKeepsItsTime() {
    start(
        "{'steps': [{'id': 'a', 'capability': 'echo', 'retry': {'maxAttempts': 3,"
            + " 'initialBackoffMs': 2000, 'jitter': 0.0}}]}");
    fail("a", 1);
    assertThat(status("a")).isEqualTo(StepStatus.RETRY_WAIT);
    pass(Duration.ofMillis(1999));
    assertThat(status("a")).isEqualTo(StepStatus.RETRY_WAIT);

    // A restart in the middle of the backoff neither forgets nor restarts it.
    run.restart();
    pass(Duration.ofMillis(1));
    assertThat(status("a")).isEqualTo(StepStatus.DISPATCHED);
    assertThat(run.getState().step("a").attempt()).isEqualTo(2);
    assertThat(sent).extracting(Assignment::attempt).contains(2);
    assertThat(withdrawn).as("a retry takes nothing back").isEmpty();
  }

  @Test
  void aTimerWaitSucceedsAtItsTimeEvenAcrossARestart() {
    start("{'steps': [{'id': 'nap', 'kind': 'wait', 'durationMs': 60000}]}");
    assertThat(status("nap")).isEqualTo(StepStatus.WAITING);
    pass(Duration.ofSeconds(30));
    run.restart();
    pass(Duration.ofMillis(29_999));
    assertThat(status("nap")).isEqualTo(StepStatus.WAITING);
    pass(Duration.ofMillis(1));
    assertThat(run.getState().status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void heartbeatsKeepAnAttemptAliveAndSilenceTimesItOutAndWithdrawsIt() {
    start(
        "{'steps': [{'id': 'a', 'capability': 'echo', 'retry': {'maxAttempts': 1},"
            + " 'timeouts': {'heartbeatMs': 1000}}]}");
    run.runCommand(new RunEntity.ReportStarted("a", 1, AGENT));
    for (int i = 0; i < 5; i++) {
      pass(Duration.ofMillis(900));
      run.runCommand(new RunEntity.ReportHeartbeat("a", 1));
    }
    assertThat(run.getState().status()).isEqualTo(RunStatus.RUNNING);
    pass(Duration.ofMillis(999));
    assertThat(run.getState().status()).isEqualTo(RunStatus.RUNNING);
    pass(Duration.ofMillis(1));
    assertThat(run.getState().status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.getState().cause().message())
        .isEqualTo("attempt 1 sent no heartbeat for 1000 ms");
    assertThat(withdrawn).containsExactly(runId + "/a/1");
  }

  @Test
  void anAttemptNobodyPicksUpTimesOutAtItsScheduleToStartLimit() {
    start(
        "{'steps': [{'id': 'a', 'capability': 'echo', 'retry': {'maxAttempts': 2,"
            + " 'initialBackoffMs': 100, 'jitter': 0.0}, 'timeouts': {'scheduleToStartMs': 500}}]}");
    pass(Duration.ofMillis(499));
    assertThat(status("a")).isEqualTo(StepStatus.DISPATCHED);
    pass(Duration.ofMillis(1));
    assertThat(status("a")).isEqualTo(StepStatus.RETRY_WAIT);
    assertThat(withdrawn).containsExactly(runId + "/a/1");
    pass(Duration.ofMillis(100));
    assertThat(run.getState().step("a").attempt()).isEqualTo(2);
    assertThat(status("a")).isEqualTo(StepStatus.DISPATCHED);
  }

  @Test
  void theRunDeadlineFailsTheRunAndWithdrawsWhatIsInFlight() {
    start("{'deadlineMs': 10000, 'steps': [{'id': 'a', 'capability': 'echo'}]}");
    pass(Duration.ofMillis(9999));
    assertThat(run.getState().status()).isEqualTo(RunStatus.RUNNING);
    pass(Duration.ofMillis(1));
    assertThat(run.getState().status()).isEqualTo(RunStatus.FAILED);
    assertThat(withdrawn).containsExactly(runId + "/a/1");
  }

  @Test
  void aWaitLongerThanTheSchedulerCanHoldIsArmedInStepsAndEndsAtItsDeadline() {
    start(
        "{'steps': [{'id': 'nap', 'kind': 'wait', 'durationMs': "
            + Duration.ofDays(365).toMillis()
            + "}]}");
    Runnable stillWaiting = () -> assertThat(status("nap")).isEqualTo(StepStatus.WAITING);
    passHorizons(20, stillWaiting);
    // A restart re-arms from the persisted deadline, again for at most the horizon.
    run.restart();
    pass(Duration.ofDays(5));
    passHorizons(15, stillWaiting);
    // Day 365 less a millisecond: the timer fired on day 360 and was armed for the 5 days left.
    pass(HORIZON.minusMillis(1));
    assertThat(status("nap")).isEqualTo(StepStatus.WAITING);
    pass(Duration.ofMillis(1));
    assertThat(run.getState().status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aRetryBackoffOfMonthsKeepsTheRunHealthyAndSendsTheRetryAtItsTime() {
    long backoff = Duration.ofDays(300).toMillis();
    start(
        "{'steps': [{'id': 'a', 'capability': 'echo', 'retry': {'maxAttempts': 3,"
            + " 'initialBackoffMs': "
            + backoff
            + ", 'maxBackoffMs': "
            + backoff
            + ", 'jitter': 0.0}}]}");
    fail("a", 1);
    passHorizons(29, () -> assertThat(status("a")).isEqualTo(StepStatus.RETRY_WAIT));
    pass(HORIZON.minusMillis(1));
    assertThat(status("a")).isEqualTo(StepStatus.RETRY_WAIT);
    pass(Duration.ofMillis(1));
    // The timer has fired; on a loaded machine its message may reach the run after this read.
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(5),
            () -> {
              assertThat(status("a")).isEqualTo(StepStatus.DISPATCHED);
              return null;
            });
    assertThat(run.getState().step("a").attempt()).isEqualTo(2);
    cancel();
  }

  @Test
  void durationsOfLongMaxValueSaturateAndLeaveTheRunCancellable() {
    start(
        ("{'deadlineMs': MAX, 'steps': [{'id': 'nap', 'kind': 'wait', 'durationMs': MAX},"
                + " {'id': 'a', 'capability': 'echo', 'retry': {'maxAttempts': 2,"
                + " 'initialBackoffMs': MAX, 'maxBackoffMs': MAX, 'jitter': 0.0}, 'timeouts':"
                + " {'scheduleToStartMs': MAX, 'startToCloseMs': MAX, 'heartbeatMs': MAX}}]}")
            .replace("MAX", String.valueOf(Long.MAX_VALUE)));
    assertThat(run.getState().step("nap").waitUntil()).isEqualTo(SaturatingTime.LATEST);
    run.runCommand(new RunEntity.ReportStarted("a", 1, AGENT));
    pass(HORIZON);
    fail("a", 1);
    assertThat(status("a")).isEqualTo(StepStatus.RETRY_WAIT);
    assertThat(run.getState().step("a").retryDueAt()).isEqualTo(SaturatingTime.LATEST);
    passHorizons(3, () -> assertThat(run.getState().status()).isEqualTo(RunStatus.RUNNING));
    cancel();
  }
}
