package dev.lattice.orchestrator.run.core;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.run.core.RunScenario.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.plan.ChildRunLimits;
import dev.lattice.orchestrator.plan.GoalPlans;
import dev.lattice.orchestrator.plan.GoalSettings;
import dev.lattice.orchestrator.plan.SubPlanLimits;
import dev.lattice.orchestrator.policy.PolicySettings;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunSpec;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.StepStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A goal's planner, decided turn by turn: asked, refused with reasons, adopted, replayed. */
class PlanningTest {
  private static final String GOOD =
      "{'json': {'steps': [{'id': 'hello', 'capability': 'echo', 'input': {'t': '${payload.x}'}},"
          + " {'id': 'bye', 'capability': 'echo', 'dependsOn': ['hello']}]}}";

  private final RunScenario run = new RunScenario();

  private static RunSpec goal(ExecutionMode mode) {
    return goal(mode, PolicySettings.NONE);
  }

  private static RunSpec goal(ExecutionMode mode, PolicySettings policy) {
    return goal(mode, policy, null);
  }

  private static RunSpec goal(ExecutionMode mode, PolicySettings policy, Integer replans) {
    GoalPlans goals =
        new GoalPlans(
            GoalSettings.create(ConfigFactory.load()),
            100,
            Duration.ofDays(1),
            policy,
            SubPlanLimits.create(ConfigFactory.load()),
            ChildRunLimits.create(ConfigFactory.load()));
    ExecuteRequest request =
        ExecuteRequest.goal("Say hello.", json("{'x': 1}")).withReplans(replans);
    PlanSpec plan = goals.plan(request, Set.of("echo", "llm"), Map.of(), List.of());
    return new RunSpec(TenantId.DEFAULT, mode, "goal", plan, json("{'x': 1}"), null);
  }

  private void answer(String stepId, String output) {
    run.result(stepId, StepOutcome.succeeded(json(output), null), T0.plusMillis(10));
  }

  @Test
  void aRefusedPlanIsAskedForAgainWithTheReasonsThenAdoptedAndRun() {
    run.start(goal(ExecutionMode.AUTO));
    assertThat(run.status("plan")).isEqualTo(StepStatus.RUNNING);
    assertThat(run.status("plan.t1")).isEqualTo(StepStatus.DISPATCHED);
    JsonNode ask = StepInput.resolve(run.state, run.state.spec("plan.t1"));
    assertThat(ask.get("schemaName").asText()).isEqualTo("plan");
    assertThat(ask.get("messages").get(0).get("content").asText())
        .contains(
            "Goal: Say hello.",
            "\"name\":\"echo\"",
            "\"models\":[\"coder\",\"planner\",\"researcher\",\"reviewer\",\"scripted-model\"]");

    answer("plan.t1", "{'json': {'steps': [{'id': 'hello', 'capability': 'teleport'}]}}");
    assertThat(run.status("plan.t2")).isEqualTo(StepStatus.DISPATCHED);
    JsonNode messages = StepInput.resolve(run.state, run.state.spec("plan.t2")).get("messages");
    assertThat(messages).hasSize(3);
    assertThat(messages.get(1).get("role").asText()).isEqualTo("assistant");
    assertThat(messages.get(2).get("content").asText()).contains("'teleport'");
    // The planner's own placeholders are text to it, never filled in.
    answer("plan.t2", GOOD);
    assertThat(run.status("plan")).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(run.journal).extracting(RunChange::type).contains("plan.asked", "plan.adopted");
    assertThat(run.status("hello")).isEqualTo(StepStatus.DISPATCHED);
    assertThat(StepInput.resolve(run.state, run.state.spec("hello"))).isEqualTo(json("{'t': 1}"));
    answer("hello", "{}");
    answer("bye", "{'done': true}");
    assertThat(run.state.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.state.output()).isEqualTo(json("{'bye': {'done': true}}"));
    run.assertReplayMatches();
  }

  @Test
  void aPlannerRefusedInEveryTurnFailsWithInvalidPlan() {
    run.start(goal(ExecutionMode.AUTO));
    for (int turn = 1; turn <= 3; turn++) {
      answer("plan.t" + turn, "{'json': {'steps': [{'id': 'plan', 'capability': 'echo'}]}}");
    }
    assertThat(run.state.plan().step("plan.t4")).isNull();
    assertThat(run.state.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.state.step("plan").error().errorClass()).isEqualTo(ErrorClass.INVALID_PLAN);
    assertThat(run.state.step("plan").error().message()).contains("is taken by the run's own step");
    run.assertReplayMatches();
  }

  @Test
  void aDryRunOfAGoalRunsThePlannerOnlyAndEndsWithItsPlan() {
    run.start(goal(ExecutionMode.DRY_RUN));
    assertThat(run.status("plan.t1")).isEqualTo(StepStatus.DISPATCHED);
    answer("plan.t1", GOOD);
    assertThat(run.state.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.state.plan().step("hello")).isNull();
    assertThat(run.state.output().get("plan").get("plan").get("steps")).hasSize(2);
    assertThat(run.state.output().get("plan").get("estimate").get("steps").asInt()).isEqualTo(2);
    run.assertReplayMatches();
  }

  @Test
  void inApproveModeThePlanWaitsForAPersonWhoMayEditIt() {
    run.start(goal(ExecutionMode.APPROVE));
    answer("plan.t1", GOOD);
    assertThat(run.status("plan")).isEqualTo(StepStatus.WAITING);
    assertThat(run.state.plan().step("hello")).isNull();
    assertThat(run.journal).extracting(RunChange::type).contains("plan.proposed");

    // An edit that cannot run is refused and changes nothing.
    SignalRequest bad =
        new SignalRequest(
            null, json("{'plan': {'steps': [{'id': 'x', 'capability': 'nope'}]}}"), "ops", null);
    assertThatThrownBy(() -> run.interventions.signal(run.state, "approve-plan", bad, T0))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("'nope'");
    assertThat(run.status("plan")).isEqualTo(StepStatus.WAITING);

    SignalRequest edited =
        new SignalRequest(
            null,
            json("{'plan': {'steps': [{'id': 'only', 'capability': 'echo'}]}}"),
            "ops",
            "one step is enough");
    run.apply(run.interventions.signal(run.state, "approve-plan", edited, T0.plusSeconds(5)));
    assertThat(run.status("plan")).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(run.state.plan().step("hello")).isNull();
    assertThat(run.status("only")).isEqualTo(StepStatus.DISPATCHED);
    RunChange.PlanAdopted adopted =
        run.journal.stream()
            .filter(RunChange.PlanAdopted.class::isInstance)
            .map(RunChange.PlanAdopted.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(adopted.approvedBy()).isEqualTo("ops");
    run.assertReplayMatches();
  }

  @Test
  void aPlanEstimatedPastTheTenantsBudgetIsRefused() {
    PolicySettings budgeted =
        PolicySettings.create(
            ConfigFactory.parseString(
                    "lattice.policy.tenants.default.budget"
                        + " { max-cost-usd = 0.5, period = 1d }")
                .withFallback(ConfigFactory.load()));
    run.start(goal(ExecutionMode.AUTO, budgeted));
    answer(
        "plan.t1",
        "{'json': {'steps': [{'id': 'a', 'capability': 'echo', 'budget': {'maxCostUsd': 1}}]}}");
    assertThat(run.status("plan.t2")).isEqualTo(StepStatus.DISPATCHED);
    JsonNode refusal =
        StepInput.resolve(run.state, run.state.spec("plan.t2")).get("messages").get(2);
    assertThat(refusal.get("content").asText())
        .contains("more than the tenant's budget of 0.5 USD");
    run.assertReplayMatches();
  }

  @Test
  void aPlanThatAsksForAModelTheTenantsListsDenyIsRefused() {
    PolicySettings listed =
        PolicySettings.create(
            ConfigFactory.parseString("lattice.policy.tenants.default.models = [m1]")
                .withFallback(ConfigFactory.load()));
    run.start(goal(ExecutionMode.AUTO, listed));
    answer(
        "plan.t1",
        "{'json': {'steps': [{'id': 'a', 'capability': 'echo', 'input': {'model': 'm2'}},"
            + " {'id': 'm', 'kind': 'map', 'input': [1], 'steps': [{'id': 'b',"
            + " 'capability': 'echo', 'model': 'm3'}]}]}}");
    assertThat(run.status("plan.t2")).isEqualTo(StepStatus.DISPATCHED);
    String refusal =
        StepInput.resolve(run.state, run.state.spec("plan.t2"))
            .get("messages")
            .get(2)
            .get("content")
            .asText();
    assertThat(refusal)
        .contains("plan.steps[0].model: model 'm2' is not allowed for capability 'echo'")
        .contains("plan.steps[1].steps[0].model: model 'm3'");
    answer("plan.t2", "{'json': {'steps': [{'id': 'a', 'capability': 'echo', 'model': 'm1'}]}}");
    assertThat(run.status("plan")).isEqualTo(StepStatus.SUCCEEDED);
    run.assertReplayMatches();
  }

  @Test
  void aStepThatFailsForGoodAsksForANewPlanOfTheRestWhenTheRunMay() {
    run.start(goal(ExecutionMode.AUTO, PolicySettings.NONE, 1));
    answer("plan.t1", GOOD);
    run.result(
        "hello",
        StepOutcome.failed(ErrorClass.INVALID_INPUT, "no such team", null),
        T0.plusSeconds(1));

    // The run did not fail: a second planner is asked, told what failed; the rest is skipped.
    assertThat(run.state.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(run.status("bye")).isEqualTo(StepStatus.SKIPPED);
    assertThat(run.status("plan-2.t1")).isEqualTo(StepStatus.DISPATCHED);
    String ask =
        StepInput.resolve(run.state, run.state.spec("plan-2.t1"))
            .get("messages")
            .get(0)
            .get("content")
            .asText();
    assertThat(ask).contains("Its step 'hello' failed: invalid_input: no such team", "taken");

    answer("plan-2.t1", "{'json': {'steps': [{'id': 'hello2', 'capability': 'echo'}]}}");
    answer("hello2", "{'hi': 2}");
    assertThat(run.state.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.state.output()).isEqualTo(json("{'hello2': {'hi': 2}}"));
    assertThat(run.journal).extracting(RunChange::type).contains("plan.replanning");
    run.assertReplayMatches();
  }

  @Test
  void withoutReplansLeftAFailedStepFailsTheRun() {
    run.start(goal(ExecutionMode.AUTO));
    answer("plan.t1", GOOD);
    run.result(
        "hello",
        StepOutcome.failed(ErrorClass.INVALID_INPUT, "no such team", null),
        T0.plusSeconds(1));
    assertThat(run.state.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.state.plan().step("plan-2")).isNull();
  }

  @Test
  void aWaitStepOfThePlanMayWaitForTheApprovalSignalsNameWhenNoPlannerWaits() {
    run.start("{'steps': [{'id': 'gate', 'kind': 'wait', 'signal': 'approve-plan'}]}");
    run.apply(
        run.interventions.signal(
            run.state,
            "approve-plan",
            new SignalRequest(null, json("{'ok': true}"), "ops", null),
            T0));
    assertThat(run.status("gate")).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(run.state.status()).isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aPlannersPlanThatNamesASecretIsRefusedWhileAPersonsEditMayNameOne() {
    run.start(goal(ExecutionMode.APPROVE));
    answer(
        "plan.t1",
        "{'json': {'steps': [{'id': 'leak', 'capability': 'echo',"
            + " 'input': {'key': '${secret:API_KEY}'}}]}}");
    assertThat(run.status("plan.t2")).isEqualTo(StepStatus.DISPATCHED);
    assertThat(
            StepInput.resolve(run.state, run.state.spec("plan.t2"))
                .get("messages")
                .get(2)
                .get("content")
                .asText())
        .contains("a planner's plan may not name a secret");

    answer("plan.t2", GOOD);
    SignalRequest edited =
        new SignalRequest(
            null,
            json(
                "{'plan': {'steps': [{'id': 'call', 'capability': 'echo',"
                    + " 'input': {'auth': '${secret:API_KEY}'}}]}}"),
            "ops",
            null);
    run.apply(run.interventions.signal(run.state, "approve-plan", edited, T0.plusSeconds(1)));
    assertThat(run.status("call")).isEqualTo(StepStatus.DISPATCHED);
    run.assertReplayMatches();
  }
}
