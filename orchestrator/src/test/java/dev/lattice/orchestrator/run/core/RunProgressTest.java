package dev.lattice.orchestrator.run.core;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.plan.ChildRunLimits;
import dev.lattice.orchestrator.plan.SubPlanLimits;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.RejectedOutput;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.json.PayloadLimits;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.RetryPolicy;
import dev.lattice.protocol.redact.Redactor;
import dev.lattice.protocol.run.RunCause;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunSpec;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

public class RunProgressTest {
  public static final RunSettings SETTINGS = settings(Duration.ofDays(1));

  /** The settings of these tests with another timer horizon. */
  public static RunSettings settings(Duration timerHorizon) {
    return new RunSettings(
        new RetryPolicy(3, 200L, 10_000L, 2.0, 0.2, List.of()),
        Duration.ofMinutes(5),
        2,
        Duration.ofSeconds(1),
        100,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        500,
        Duration.ofMillis(20),
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        500,
        Duration.ofMillis(100),
        Duration.ofMillis(10),
        Duration.ofSeconds(10),
        timerHorizon,
        new PayloadLimits(128, 1 << 20),
        new ToolLoopSettings(4, 6),
        new SubPlanLimits(1000, 100, 10, 100, 10_000),
        new ChildRunLimits(3, Duration.ofHours(1)),
        Redactor.fromConfig(ConfigFactory.defaultReference()));
  }

  static final AgentId AGENT = AgentId.of("local.echo");
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final RunProgress progress = new RunProgress(SETTINGS);
  private RunState state;
  private final List<RunChange> journal = new ArrayList<>();

  private List<RunChange> start(PlanSpec plan) {
    RunSpec spec =
        new RunSpec(
            TenantId.DEFAULT, ExecutionMode.AUTO, "plan", plan, json("{'text': 'hi'}"), null);
    return apply(progress.start(RunState.empty(RunId.of("run-1")), spec, T0));
  }

  private List<RunChange> apply(Decided decided) {
    return apply(decided.events());
  }

  private List<RunChange> apply(List<RunChange> events) {
    for (RunChange e : events) {
      state = (state == null ? RunState.empty(RunId.of("run-1")) : state).apply(e);
      journal.add(e);
    }
    return events;
  }

  private List<RunChange> succeed(String stepId, String output) {
    return result(stepId, StepOutcome.succeeded(json(output), null));
  }

  private List<RunChange> result(String stepId, StepOutcome outcome) {
    return apply(decide(stepId, outcome));
  }

  /** What the latest attempt of {@code stepId} ending with {@code outcome} decides, unapplied. */
  private Decided decide(String stepId, StepOutcome outcome) {
    return progress.resulted(state, resultOf(stepId, outcome), T0, T0.plusMillis(5), () -> 0.5);
  }

  private AssignmentResult resultOf(String stepId, StepOutcome outcome) {
    int attempt = state.step(stepId).attempt();
    return new AssignmentResult(
        state.runId(),
        stepId,
        attempt,
        state.runId() + "/" + stepId + "/" + attempt,
        AGENT,
        outcome);
  }

  private StepStatus status(String stepId) {
    return state.step(stepId).status();
  }

  /** Replaying the journal from scratch must rebuild exactly the live state. */
  private void assertReplayMatches() {
    RunState replayed = RunState.empty(RunId.of("run-1"));
    for (RunChange e : journal) {
      replayed = replayed.apply(e);
    }
    assertThat(replayed).isEqualTo(state);
  }

  @Test
  void startDispatchesEveryStepWithoutDependencies() {
    List<RunChange> events =
        start(
            plan(
                "{'steps': [{'id': 'a', 'capability': 'echo'}, {'id': 'b', 'capability': 'echo'},"
                    + " {'id': 'c', 'capability': 'echo', 'dependsOn': ['a', 'b']}]}"));
    assertThat(events).singleElement().isInstanceOf(RunChange.RunStarted.class);
    assertThat(state.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(status("a")).isEqualTo(StepStatus.DISPATCHED);
    assertThat(status("b")).isEqualTo(StepStatus.DISPATCHED);
    assertThat(status("c")).isEqualTo(StepStatus.PENDING);
    assertThat(state.step("a").attempt()).isEqualTo(1);
  }

  @Test
  void aDecisionNamesTheAgentStepsItDispatches() {
    RunSpec spec =
        new RunSpec(
            TenantId.DEFAULT,
            ExecutionMode.AUTO,
            "plan",
            plan(
                "{'steps': [{'id': 'a', 'capability': 'echo'}, {'id': 'b', 'capability': 'echo'},"
                    + " {'id': 'c', 'capability': 'echo', 'dependsOn': ['a', 'b']}]}"),
            json("{}"),
            null);
    Decided started = progress.start(RunState.empty(RunId.of("run-1")), spec, T0);
    assertThat(started.dispatched()).containsExactly("a", "b");
    apply(started);
    assertThat(decideAndApply("b", StepOutcome.succeeded(json("{}"), null))).isEmpty();
    assertThat(decideAndApply("a", StepOutcome.succeeded(json("{}"), null))).containsExactly("c");
    assertThat(decideAndApply("c", StepOutcome.failed(ErrorClass.AGENT_ERROR, "flaky", null)))
        .as("a retry waits for its timer")
        .isEmpty();
    assertThat(progress.retryDue(state, "c", 2, T0.plusSeconds(1)).dispatched())
        .containsExactly("c");
  }

  /** The steps the result dispatches; the state moves on. */
  private List<String> decideAndApply(String stepId, StepOutcome outcome) {
    Decided decided = decide(stepId, outcome);
    apply(decided);
    return decided.dispatched();
  }

  @Test
  void resultsWrittenTogetherSendOnlyWhatTheLastOfThemLeftDispatched() {
    start(
        plan(
            "{'steps': [{'id': 'a', 'capability': 'echo'}, {'id': 'b', 'capability': 'echo'},"
                + " {'id': 'c', 'capability': 'echo', 'dependsOn': ['a']}]}"));
    List<AssignmentResult> results =
        List.of(
            resultOf("a", StepOutcome.succeeded(json("{}"), null)),
            resultOf("b", StepOutcome.failed(ErrorClass.AUTH, "denied", null)));
    Decided decided = progress.resulted(state, results, r -> null, T0, () -> 0.5);
    // a's success dispatched c, but b's failure in the same write failed the run.
    assertThat(decided.events()).last().isInstanceOf(RunChange.RunFailed.class);
    assertThat(decided.dispatched()).isEmpty();
  }

  @Test
  void aJoinWaitsForAllDependenciesAndSeesOutputsKeyedByStepId() {
    PlanSpec plan =
        plan(
            "{'steps': [{'id': 'a', 'capability': 'echo'}, {'id': 'b', 'capability': 'echo'},"
                + " {'id': 'join', 'capability': 'echo', 'dependsOn': ['a', 'b']}]}");
    start(plan);
    succeed("b", "{'from': 'b'}");
    assertThat(status("join")).isEqualTo(StepStatus.PENDING);
    succeed("a", "{'from': 'a'}");
    assertThat(status("join")).isEqualTo(StepStatus.DISPATCHED);
    // Completion order was b then a; the join's input is keyed by step id all the same.
    assertThat(progress.assignments().assignment(state, "join").input())
        .isEqualTo(json("{'a': {'from': 'a'}, 'b': {'from': 'b'}}"));
    assertReplayMatches();
  }

  @Test
  void theLastResultCompletesTheRunWithTheFinalStepsOutputs() {
    start(
        plan(
            "{'steps': [{'id': 'a', 'capability': 'echo'}, {'id': 'b', 'capability': 'echo', 'dependsOn': ['a']}]}"));
    succeed("a", "{'n': 1}");
    List<RunChange> events = succeed("b", "{'n': 2}");
    assertThat(events).last().isInstanceOf(RunChange.RunCompleted.class);
    assertThat(state.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(state.output()).isEqualTo(json("{'b': {'n': 2}}"));
    RunChange.StepSucceeded b = (RunChange.StepSucceeded) events.get(0);
    assertThat(b.agentId()).isEqualTo(AGENT);
    assertThat(b.startedAt()).isEqualTo(T0);
    assertReplayMatches();
  }

  @Test
  void aRetryableFailureSchedulesTheNextAttemptWithBackoff() {
    start(plan("{'steps': [{'id': 'a', 'capability': 'echo'}]}"));
    List<RunChange> events = result("a", StepOutcome.failed(ErrorClass.AGENT_ERROR, "boom", null));
    assertThat(events).hasSize(2);
    RunChange.StepRetryScheduled retry = (RunChange.StepRetryScheduled) events.get(1);
    assertThat(retry.attempt()).isEqualTo(2);
    // random 0.5 means no jitter: the initial backoff exactly.
    assertThat(retry.dueAt()).isEqualTo(T0.plusMillis(5).plusMillis(200));
    assertThat(status("a")).isEqualTo(StepStatus.RETRY_WAIT);

    assertThat(progress.retryDue(state, "a", 3, T0).events()).as("not the due attempt").isEmpty();
    apply(progress.retryDue(state, "a", 2, T0.plusSeconds(1)));
    assertThat(status("a")).isEqualTo(StepStatus.DISPATCHED);
    assertThat(state.step("a").attempt()).isEqualTo(2);
    succeed("a", "{}");
    assertThat(state.status()).isEqualTo(RunStatus.COMPLETED);
    assertReplayMatches();
  }

  @Test
  void aRateLimitsRetryAfterPostponesTheNextAttemptPastTheBackoff() {
    start(plan("{'steps': [{'id': 'a', 'capability': 'echo'}]}"));
    StepError limited =
        StepError.of(ErrorClass.RATE_LIMITED, "429").withRetryAfter(Duration.ofSeconds(3));
    List<RunChange> events = result("a", new StepOutcome.Failed(limited, null));
    RunChange.StepRetryScheduled retry = (RunChange.StepRetryScheduled) events.get(1);
    assertThat(retry.dueAt()).isEqualTo(T0.plusMillis(5).plusSeconds(3));
    assertThat(((RunChange.StepFailed) events.get(0)).error().retryAfterMs()).isEqualTo(3000);
    assertReplayMatches();
  }

  @Test
  void aRetryAfterShorterThanTheBackoffLeavesTheBackoff() {
    start(plan("{'steps': [{'id': 'a', 'capability': 'echo'}]}"));
    StepError limited =
        StepError.of(ErrorClass.RATE_LIMITED, "429").withRetryAfter(Duration.ofMillis(50));
    List<RunChange> events = result("a", new StepOutcome.Failed(limited, null));
    assertThat(((RunChange.StepRetryScheduled) events.get(1)).dueAt())
        .isEqualTo(T0.plusMillis(5).plusMillis(200));
  }

  @Test
  void aFailureWithNoAttemptsLeftFailsTheRunWithItsCause() {
    start(plan("{'steps': [{'id': 'a', 'capability': 'echo', 'retry': {'maxAttempts': 2}}]}"));
    result("a", StepOutcome.failed(ErrorClass.TIMEOUT, "too slow", null));
    apply(progress.retryDue(state, "a", 2, T0));
    List<RunChange> events =
        result("a", StepOutcome.failed(ErrorClass.TIMEOUT, "still slow", null));
    assertThat(events).last().isInstanceOf(RunChange.RunFailed.class);
    assertThat(state.status()).isEqualTo(RunStatus.FAILED);
    assertThat(state.cause()).isEqualTo(new RunCause("a", ErrorClass.TIMEOUT, "still slow", 2));
    assertReplayMatches();
  }

  @Test
  void aNonRetryableFailureFailsTheRunAtOnce() {
    start(plan("{'steps': [{'id': 'a', 'capability': 'echo'}]}"));
    result("a", StepOutcome.failed(ErrorClass.INVALID_INPUT, "bad", null));
    assertThat(state.status()).isEqualTo(RunStatus.FAILED);
    assertThat(state.cause().attempts()).isEqualTo(1);
  }

  @Test
  void outputsAnActionRejectedAreRecordedBeforeTheEndOfTheirAttempt() {
    start(plan("{'steps': [{'id': 'a', 'capability': 'llm', 'retry': {'maxAttempts': 2}}]}"));
    RejectedOutput first = new RejectedOutput(1, List.of("/n: too small"), 0, "{\"n\": 0}");
    RejectedOutput second = new RejectedOutput(2, List.of("not JSON"), 0, "no");
    List<RunChange> failed =
        result(
            "a",
            new StepOutcome.Failed(
                StepError.of(ErrorClass.MALFORMED_OUTPUT, "never right"),
                null,
                List.of(first, second)));
    assertThat(failed)
        .extracting(RunChange::type)
        .containsExactly(
            "step.output_rejected", "step.output_rejected", "step.failed", "step.retry_scheduled");
    assertThat(failed.get(1))
        .isEqualTo(RunChange.StepOutputRejected.of("a", 1, second, T0.plusMillis(5)));

    apply(progress.retryDue(state, "a", 2, T0));
    List<RunChange> succeeded =
        result("a", new StepOutcome.Succeeded(json("{'n': 1}"), null, List.of(first)));
    assertThat(succeeded)
        .extracting(RunChange::type)
        .containsExactly("step.output_rejected", "step.succeeded", "run.completed");
    assertThat(succeeded.get(0).attempt()).isEqualTo(2);
    assertThat(state.step("a").output()).isEqualTo(json("{'n': 1}"));
    assertReplayMatches();
  }

  @Test
  void staleAndRepeatedResultsChangeNothing() {
    start(
        plan(
            "{'steps': [{'id': 'a', 'capability': 'echo'}, {'id': 'b', 'capability': 'echo', 'dependsOn': ['a']}]}"));
    AssignmentResult first =
        new AssignmentResult(
            state.runId(), "a", 1, "k", AGENT, StepOutcome.succeeded(json("{}"), null));
    apply(progress.resulted(state, first, null, T0, () -> 0.5));
    assertThat(progress.resulted(state, first, null, T0, () -> 0.5).events())
        .as("repeated")
        .isEmpty();
    AssignmentResult otherAttempt =
        new AssignmentResult(
            state.runId(), "b", 7, "k7", AGENT, StepOutcome.succeeded(json("{}"), null));
    assertThat(progress.resulted(state, otherAttempt, null, T0, () -> 0.5).events())
        .as("stale")
        .isEmpty();
    assertThat(journal.stream().filter(e -> e instanceof RunChange.StepSucceeded).count())
        .isEqualTo(1);
  }

  @Test
  void aLostWorkerCostsAnAttemptAndItsLateResultIsStale() {
    start(plan("{'steps': [{'id': 'a', 'capability': 'echo'}]}"));
    // The dispatcher reports the attempt lost; the run never heard that the agent started it.
    AssignmentResult late =
        new AssignmentResult(
            state.runId(), "a", 1, "run-1/a/1", AGENT, StepOutcome.succeeded(json("{}"), null));
    List<RunChange> events =
        result("a", StepOutcome.failed(ErrorClass.WORKER_LOST, "agent left", null));
    RunChange.StepFailed failed = (RunChange.StepFailed) events.get(0);
    assertThat(failed.error().errorClass()).isEqualTo(ErrorClass.WORKER_LOST);
    assertThat(failed.attempt()).isEqualTo(1);
    assertThat(events.get(1)).isInstanceOf(RunChange.StepRetryScheduled.class);
    assertThat(status("a")).isEqualTo(StepStatus.RETRY_WAIT);

    // The lost agent's own result for attempt 1 arrives after all: stale, before and after the
    // next attempt is dispatched.
    assertThat(progress.resulted(state, late, null, T0, () -> 0.5).events()).isEmpty();
    apply(progress.retryDue(state, "a", 2, T0.plusSeconds(1)));
    assertThat(progress.resulted(state, late, null, T0, () -> 0.5).events()).isEmpty();
    succeed("a", "{'n': 2}");
    assertThat(state.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(state.step("a").attempt()).isEqualTo(2);
    assertReplayMatches();
  }

  @Test
  void transformsAndGatesRunInlineAndFeedLaterSteps() {
    start(
        plan(
            "{'steps': [{'id': 'shape', 'kind': 'transform', 'expression': '{\\\"upper\\\": $uppercase(payload.text)}'},"
                + " {'id': 'check', 'kind': 'gate', 'dependsOn': ['shape'], 'condition':"
                + " 'steps.shape.output.upper == \\\"HI\\\"'},"
                + " {'id': 'say', 'capability': 'echo', 'dependsOn': ['check'], 'input':"
                + " '${steps.shape.output.upper}'}]}"));
    assertThat(status("shape")).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(status("check")).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(status("say")).isEqualTo(StepStatus.DISPATCHED);
    assertThat(progress.assignments().assignment(state, "say").input()).isEqualTo(json("'HI'"));
    assertReplayMatches();
  }

  @Test
  void aFalseGateWithSkipSkipsItsBranchAndTheRunStillCompletes() {
    start(
        plan(
            "{'steps': [{'id': 'g', 'kind': 'gate', 'condition': 'false', 'onFalse': 'skip'},"
                + " {'id': 'a', 'capability': 'echo', 'dependsOn': ['g']},"
                + " {'id': 'b', 'capability': 'echo', 'dependsOn': ['a']},"
                + " {'id': 'other', 'capability': 'echo'}]}"));
    assertThat(status("a")).isEqualTo(StepStatus.SKIPPED);
    assertThat(status("b")).isEqualTo(StepStatus.SKIPPED);
    succeed("other", "{}");
    assertThat(state.status()).isEqualTo(RunStatus.COMPLETED);
    assertReplayMatches();
  }

  @Test
  void aFalseGateFailsTheRunByDefault() {
    start(plan("{'steps': [{'id': 'g', 'kind': 'gate', 'condition': '1 > 2'}]}"));
    assertThat(state.status()).isEqualTo(RunStatus.FAILED);
    assertThat(state.cause().errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(state.cause().message()).contains("'1 > 2' was false");
  }

  @Test
  void anInputThatCannotBeResolvedFailsTheStepWithInvalidInput() {
    start(plan("{'steps': [{'id': 'a', 'capability': 'echo', 'input': '${payload.missing}'}]}"));
    assertThat(status("a")).isEqualTo(StepStatus.FAILED);
    assertThat(state.cause())
        .isEqualTo(
            new RunCause(
                "a",
                ErrorClass.INVALID_INPUT,
                "input refers to ${payload.missing}, which is missing",
                1));
  }

  @Test
  void tenBranchesAreDispatchedAtOnceAndTheJoinSeesAllTen() {
    StringBuilder steps = new StringBuilder("{'steps': [{'id': 'fan', 'capability': 'echo'}");
    StringBuilder deps = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      steps
          .append(", {'id': 'b")
          .append(i)
          .append("', 'capability': 'echo', 'dependsOn': ['fan']}");
      deps.append(i == 0 ? "" : ", ").append("'b").append(i).append("'");
    }
    steps
        .append(", {'id': 'join', 'capability': 'echo', 'dependsOn': [")
        .append(deps)
        .append("]}]}");
    start(plan(steps.toString()));
    succeed("fan", "{}");
    for (int i = 0; i < 10; i++) {
      assertThat(status("b" + i)).isEqualTo(StepStatus.DISPATCHED);
    }
    for (int i = 9; i >= 0; i--) {
      succeed("b" + i, "{'i': " + i + "}");
    }
    JsonNode joined = progress.assignments().assignment(state, "join").input();
    assertThat(joined.size()).isEqualTo(10);
    assertThat(joined.get("b3")).isEqualTo(json("{'i': 3}"));
    assertReplayMatches();
  }

  private List<RunChange> intervene(InterventionType type) {
    return apply(
        new RunInterventions(progress)
            .lifecycle(state, type, new Intervention("ops", "test"), T0.plusSeconds(1)));
  }

  private static final String CHAIN =
      "{'steps': [{'id': 'a', 'capability': 'echo'},"
          + " {'id': 'b', 'capability': 'echo', 'dependsOn': ['a']}]}";

  @Test
  void aPausedRunRecordsResultsInFlightButDispatchesNothingUntilResumed() {
    start(plan(CHAIN));
    assertThat(intervene(InterventionType.PAUSE))
        .singleElement()
        .isInstanceOf(RunChange.RunPaused.class);
    assertThat(state.status()).isEqualTo(RunStatus.PAUSED);
    // Pausing again changes nothing.
    assertThat(intervene(InterventionType.PAUSE)).isEmpty();

    succeed("a", "{'done': true}");
    assertThat(status("a")).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(status("b")).isEqualTo(StepStatus.PENDING);

    List<RunChange> resumed = intervene(InterventionType.RESUME);
    assertThat(resumed).first().isInstanceOf(RunChange.RunResumed.class);
    assertThat(state.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(status("b")).isEqualTo(StepStatus.DISPATCHED);
    assertThat(intervene(InterventionType.RESUME)).isEmpty();
    assertReplayMatches();
  }

  @Test
  void aCancelledRunEndsWithWhoAndWhyAndIgnoresLateResults() {
    start(plan(CHAIN));
    intervene(InterventionType.CANCEL);
    assertThat(state.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(state.view(3).cause().errorClass()).isEqualTo(ErrorClass.CANCELLED);
    assertThat(state.view(3).cause().message()).isEqualTo("cancelled by ops: test");
    assertThat(succeed("a", "{}")).isEmpty();
    assertThat(intervene(InterventionType.CANCEL)).isEmpty();
    assertReplayMatches();
  }

  @Test
  void interventionsTheLifecycleForbidsAreRefusedAndChangeNothing() {
    start(plan("{'steps': [{'id': 'a', 'capability': 'echo'}]}"));
    succeed("a", "{}");
    assertThat(state.status()).isEqualTo(RunStatus.COMPLETED);
    for (InterventionType type :
        List.of(InterventionType.PAUSE, InterventionType.RESUME, InterventionType.CANCEL)) {
      RunState before = state;
      assertThatThrownBy(() -> intervene(type))
          .isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining("completed");
      assertThat(state).isEqualTo(before);
    }
  }

  @Test
  void aDryRunRecordsThePlanAndCompletesWithoutRunningAnything() {
    RunSpec spec =
        new RunSpec(
            TenantId.DEFAULT,
            ExecutionMode.DRY_RUN,
            "plan",
            plan(CHAIN),
            json("{'text': 'hi'}"),
            null);
    List<RunChange> events = apply(progress.start(RunState.empty(RunId.of("run-1")), spec, T0));
    assertThat(events).hasSize(2);
    assertThat(events.get(0)).isInstanceOf(RunChange.RunStarted.class);
    assertThat(events.get(1)).isInstanceOf(RunChange.RunCompleted.class);
    assertThat(state.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(status("a")).isEqualTo(StepStatus.PENDING);
    assertThat(status("b")).isEqualTo(StepStatus.PENDING);
    assertThat(((RunChange.RunCompleted) events.get(1)).output())
        .isEqualTo(json("{'dryRun': true, 'steps': 2}"));
    assertReplayMatches();
  }
}
