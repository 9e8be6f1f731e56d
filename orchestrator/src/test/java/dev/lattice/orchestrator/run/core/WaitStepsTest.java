package dev.lattice.orchestrator.run.core;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.run.core.RunScenario.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.StepStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Wait steps: durable timers, named signals (human approvals), and signals with a timeout. */
class WaitStepsTest {
  private final RunScenario run = new RunScenario();

  private List<RunChange> signal(String name, String stepId, JsonNode data, Instant at) {
    return run.apply(
        run.interventions.signal(
            run.state, name, new SignalRequest(stepId, data, "alice", "looks good"), at));
  }

  @Test
  void aTimerWaitsUntilItsPersistedTimeAndThenSucceeds() {
    run.start(
        "{'steps': [{'id': 'a', 'capability': 'echo'},"
            + " {'id': 'nap', 'kind': 'wait', 'durationMs': 1000, 'dependsOn': ['a']},"
            + " {'id': 'z', 'capability': 'echo', 'dependsOn': ['nap']}]}");
    List<RunChange> events =
        run.result("a", StepOutcome.succeeded(json("{}"), null), T0.plusMillis(10));
    assertThat(events).last().isInstanceOf(RunChange.StepWaiting.class);
    RunChange.StepWaiting waiting = (RunChange.StepWaiting) events.get(events.size() - 1);
    assertThat(waiting.until()).isEqualTo(T0.plusMillis(1010));
    assertThat(waiting.signal()).isNull();
    assertThat(run.status("nap")).isEqualTo(StepStatus.WAITING);

    RunDeadline timer = run.deadline(RunDeadline.Kind.WAIT, "nap");
    assertThat(timer.at()).isEqualTo(waiting.until());
    assertThat(run.fire(timer, T0.plusMillis(1009))).isEmpty();
    run.fire(timer, T0.plusMillis(1010));
    assertThat(run.status("nap")).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(run.state.step("nap").output()).isEqualTo(json("{'waitedMs': 1000}"));
    assertThat(run.status("z")).isEqualTo(StepStatus.DISPATCHED);
    run.assertReplayMatches();
  }

  @Test
  void parallelApprovalsAreAddressedByStepIdAndResolvedInAnyOrder() {
    run.start(
        "{'steps': [{'id': 'legal', 'kind': 'wait', 'signal': 'approve'},"
            + " {'id': 'security', 'kind': 'wait', 'signal': 'approve'},"
            + " {'id': 'ship', 'capability': 'echo', 'dependsOn': ['legal', 'security']}]}");
    assertThat(run.status("legal")).isEqualTo(StepStatus.WAITING);
    assertThat(run.status("security")).isEqualTo(StepStatus.WAITING);
    assertThat(run.has(RunDeadline.Kind.WAIT)).as("no timeout: no timer").isFalse();
    assertThatThrownBy(
            () ->
                run.interventions.signal(
                    run.state, "approve", new SignalRequest(null, null, null, null), T0))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessage(
            "steps [legal, security] all wait for signal 'approve': say which with 'stepId'");

    List<RunChange> events = signal("approve", "security", json("{'ok': true}"), T0.plusSeconds(1));
    RunChange.StepSignalled signalled = (RunChange.StepSignalled) events.get(0);
    assertThat(signalled.actor()).isEqualTo("alice");
    assertThat(signalled.reason()).isEqualTo("looks good");
    assertThat(run.status("ship")).isEqualTo(StepStatus.PENDING);
    // Now only one waits for the name: no step id needed.
    signal("approve", null, null, T0.plusSeconds(2));
    assertThat(run.state.step("legal").output()).isEqualTo(json("{}"));
    assertThat(run.state.step("security").output()).isEqualTo(json("{'ok': true}"));
    assertThat(run.status("ship")).isEqualTo(StepStatus.DISPATCHED);
    run.assertReplayMatches();
  }

  @Test
  void aRepeatedSignalChangesNothingAndAnUnknownOneIsRefused() {
    run.start("{'steps': [{'id': 'ok', 'kind': 'wait', 'signal': 'approve'}]}");
    signal("approve", "ok", json("{'by': 'bob'}"), T0.plusSeconds(1));
    assertThat(run.state.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(signal("approve", "ok", json("{'by': 'bob'}"), T0.plusSeconds(2))).isEmpty();
    assertThatThrownBy(() -> signal("approve", "ok", json("{'by': 'eve'}"), T0.plusSeconds(3)))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("the run is completed");
    assertThatThrownBy(() -> signal("reject", null, null, T0.plusSeconds(3)))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessage("no step of this run waits for signal 'reject'");
    assertThatThrownBy(() -> signal("approve", "other", null, T0.plusSeconds(3)))
        .hasMessage("step 'other' of this run does not wait for signal 'approve'");
  }

  @Test
  void aSignalForAStepThatIsNotWaitingYetIsRefused() {
    run.start(
        "{'steps': [{'id': 'a', 'capability': 'echo'},"
            + " {'id': 'ok', 'kind': 'wait', 'signal': 'approve', 'dependsOn': ['a']}]}");
    assertThatThrownBy(() -> signal("approve", null, null, T0))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessage("step 'ok' is pending, not waiting for signal 'approve'");
    assertThat(run.status("ok")).isEqualTo(StepStatus.PENDING);
  }

  @Test
  void aSignalThatDoesNotComeInTimeFailsTheStepWithTimeout() {
    run.start("{'steps': [{'id': 'ok', 'kind': 'wait', 'signal': 'approve', 'durationMs': 500}]}");
    RunDeadline timeout = run.deadline(RunDeadline.Kind.WAIT, "ok");
    assertThat(timeout.at()).isEqualTo(T0.plusMillis(500));
    run.fire(timeout, T0.plusMillis(500));
    assertThat(run.state.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.state.cause().errorClass()).isEqualTo(ErrorClass.TIMEOUT);
    assertThat(run.state.cause().message()).isEqualTo("no signal 'approve' within 500 ms");
    run.assertReplayMatches();
  }

  @Test
  void aSignalInTimeWinsOverItsTimeout() {
    run.start("{'steps': [{'id': 'ok', 'kind': 'wait', 'signal': 'approve', 'durationMs': 500}]}");
    RunDeadline timeout = run.deadline(RunDeadline.Kind.WAIT, "ok");
    signal("approve", null, null, T0.plusMillis(499));
    assertThat(run.fire(timeout, T0.plusMillis(500))).isEmpty();
    assertThat(run.state.status()).isEqualTo(RunStatus.COMPLETED);
  }
}
