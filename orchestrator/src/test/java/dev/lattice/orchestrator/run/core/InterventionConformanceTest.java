package dev.lattice.orchestrator.run.core;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.run.core.RunScenario.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.api.OverrideRequest;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.StepStatus;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every intervention in every run status: what it does (an event, or nothing when the run already
 * is where it asks) or why it is refused (which then changes nothing). The run has a waiting step
 * ('ok', waiting for signal 'go') and a step that failed and waits for its retry ('r').
 */
class InterventionConformanceTest {
  private static final String PLAN =
      "{'steps': [{'id': 'ok', 'kind': 'wait', 'signal': 'go'},"
          + " {'id': 'r', 'capability': 'echo', 'retry': {'maxAttempts': 2}},"
          + " {'id': 'x', 'capability': 'echo', 'retry': {'maxAttempts': 1}},"
          + " {'id': 'u', 'capability': 'echo'}]}";

  /** How to bring the run to each status. */
  private static final Map<RunStatus, Consumer<RunScenario>> TO =
      Map.of(
          RunStatus.RUNNING, run -> {},
          RunStatus.PAUSED, run -> lifecycle(run, InterventionType.PAUSE),
          RunStatus.CANCELLED, run -> lifecycle(run, InterventionType.CANCEL),
          RunStatus.FAILED,
              run ->
                  run.result(
                      "x", StepOutcome.failed(ErrorClass.AUTH, "denied", null), T0.plusMillis(2)));

  /** What each intervention does in each status: the event type, "none", or "refused". */
  private static final Map<InterventionType, Map<RunStatus, String>> EXPECTED =
      Map.of(
          InterventionType.PAUSE,
              Map.of(
                  RunStatus.RUNNING, "run.paused",
                  RunStatus.PAUSED, "none",
                  RunStatus.CANCELLED, "refused",
                  RunStatus.FAILED, "refused"),
          InterventionType.RESUME,
              Map.of(
                  RunStatus.RUNNING, "none",
                  RunStatus.PAUSED, "run.resumed",
                  RunStatus.CANCELLED, "refused",
                  RunStatus.FAILED, "refused"),
          InterventionType.CANCEL,
              Map.of(
                  RunStatus.RUNNING, "run.cancelled",
                  RunStatus.PAUSED, "run.cancelled",
                  RunStatus.CANCELLED, "none",
                  RunStatus.FAILED, "refused"),
          InterventionType.SIGNAL,
              Map.of(
                  RunStatus.RUNNING, "step.signalled",
                  RunStatus.PAUSED, "step.signalled",
                  RunStatus.CANCELLED, "refused",
                  RunStatus.FAILED, "refused"),
          InterventionType.OVERRIDE,
              Map.of(
                  RunStatus.RUNNING, "step.overridden",
                  RunStatus.PAUSED, "step.overridden",
                  RunStatus.CANCELLED, "refused",
                  RunStatus.FAILED, "refused"),
          // Step 'u' waits: its attempt's outcome is unknown.
          InterventionType.RETRY,
              Map.of(
                  RunStatus.RUNNING, "step.retry_scheduled",
                  RunStatus.PAUSED, "step.retry_scheduled",
                  RunStatus.CANCELLED, "refused",
                  RunStatus.FAILED, "refused"));

  static Stream<Arguments> everyInterventionInEveryStatus() {
    return Stream.of(InterventionType.values())
        .flatMap(type -> TO.keySet().stream().map(status -> Arguments.of(type, status)));
  }

  private static void lifecycle(RunScenario run, InterventionType type) {
    run.apply(
        run.interventions.lifecycle(
            run.state, type, new Intervention("ops", "why"), T0.plusMillis(3)));
  }

  private static Decided intervene(RunScenario run, InterventionType type) {
    var at = T0.plusSeconds(1);
    return switch (type) {
      case SIGNAL ->
          run.interventions.signal(
              run.state, "go", new SignalRequest(null, json("{'yes': 1}"), "ops", null), at);
      case OVERRIDE ->
          run.interventions.override(
              run.state, "r", new OverrideRequest(json("{'fixed': true}"), "ops", null), at);
      case RETRY -> run.interventions.retry(run.state, "u", new Intervention(null, null), at);
      default -> run.interventions.lifecycle(run.state, type, new Intervention("ops", "why"), at);
    };
  }

  @ParameterizedTest(name = "{0} when {1}")
  @MethodSource("everyInterventionInEveryStatus")
  void doesWhatTheLifecycleAllowsAndNothingElse(InterventionType type, RunStatus status) {
    RunScenario run = new RunScenario().start(PLAN);
    run.result("r", StepOutcome.failed(ErrorClass.AGENT_ERROR, "flaky", null), T0.plusMillis(1));
    run.result(
        "u", StepOutcome.failed(ErrorClass.UNKNOWN_OUTCOME, "may have", null), T0.plusMillis(1));
    TO.get(status).accept(run);
    assertThat(run.state.status()).isEqualTo(status);
    String expected = EXPECTED.get(type).get(status);
    RunState before = run.state;
    if (expected.equals("refused")) {
      assertThatThrownBy(() -> intervene(run, type)).isInstanceOf(IllegalTransitionException.class);
      assertThat(run.state).isEqualTo(before);
      return;
    }
    List<RunChange> events = run.apply(intervene(run, type));
    if (expected.equals("none")) {
      assertThat(events).isEmpty();
      return;
    }
    assertThat(events).first().extracting(RunChange::type).isEqualTo(expected);
    // Doing it again is harmless.
    assertThat(intervene(run, type).events()).isEmpty();
    run.assertReplayMatches();
  }

  @ParameterizedTest(name = "override of a {0} step")
  @MethodSource("stepStatuses")
  void overrideCompletesOnlyAFailedOrWaitingStep(StepStatus status, boolean allowed) {
    RunScenario run =
        new RunScenario()
            .start(
                "{'steps': [{'id': 'w', 'kind': 'wait', 'signal': 'go'},"
                    + " {'id': 'a', 'capability': 'echo', 'retry': {'maxAttempts': 2}},"
                    + " {'id': 'b', 'capability': 'echo'},"
                    + " {'id': 'c', 'capability': 'echo', 'dependsOn': ['b']}]}");
    run.started("b", T0.plusMillis(1));
    run.result("a", StepOutcome.failed(ErrorClass.AGENT_ERROR, "flaky", null), T0.plusMillis(2));
    String stepId =
        switch (status) {
          case WAITING -> "w";
          case RETRY_WAIT -> "a";
          case RUNNING -> "b";
          default -> "c";
        };
    assertThat(run.status(stepId)).isEqualTo(status);
    OverrideRequest override = new OverrideRequest(json("{'v': 1}"), "ops", "manual");
    if (!allowed) {
      assertThatThrownBy(
              () -> run.interventions.override(run.state, stepId, override, T0.plusSeconds(1)))
          .isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining("only a failed or waiting step can be overridden");
      return;
    }
    run.apply(run.interventions.override(run.state, stepId, override, T0.plusSeconds(1)));
    assertThat(run.status(stepId)).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(run.state.step(stepId).output()).isEqualTo(json("{'v': 1}"));
    run.assertReplayMatches();
  }

  static Stream<Arguments> stepStatuses() {
    return Stream.of(
        Arguments.of(StepStatus.WAITING, true),
        Arguments.of(StepStatus.RETRY_WAIT, true),
        Arguments.of(StepStatus.RUNNING, false),
        Arguments.of(StepStatus.PENDING, false));
  }
}
