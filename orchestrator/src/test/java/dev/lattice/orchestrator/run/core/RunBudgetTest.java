package dev.lattice.orchestrator.run.core;

import static dev.lattice.orchestrator.run.core.RunScenario.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.policy.PolicySettings;
import dev.lattice.protocol.agent.BudgetFigures;
import dev.lattice.protocol.agent.BudgetScope;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunEventType;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.StepStatus;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run's own budget: holds at dispatch, refusal before dispatch, and the plan's fail or pause. */
class RunBudgetTest {
  private final RunScenario run = new RunScenario();

  private static final String PARALLEL =
      "{'budget': {'maxTokens': 1000}, %s 'steps': ["
          + "{'id': 'a', 'kind': 'agent', 'capability': 'echo', 'budget': {'maxTokens': 600}},"
          + "{'id': 'b', 'kind': 'agent', 'capability': 'echo', 'budget': {'maxTokens': 600}}]}";

  private static List<String> types(List<RunChange> events) {
    return events.stream().map(RunChange::type).toList();
  }

  @Test
  void aStepThatWouldTakeTheRunPastItsBudgetIsRefusedBeforeDispatchAndFailsTheRun() {
    List<RunChange> events = run.start(PARALLEL.formatted("")).journal;
    // a holds 600 of 1000; b would need 600 more.
    assertThat(types(events))
        .containsExactly(
            RunEventType.RUN_STARTED,
            RunEventType.BUDGET_EXCEEDED,
            RunEventType.STEP_FAILED,
            RunEventType.RUN_FAILED);
    RunChange.BudgetExceeded exceeded = (RunChange.BudgetExceeded) events.get(1);
    assertThat(exceeded.stepId()).isEqualTo("b");
    assertThat(exceeded.figures())
        .isEqualTo(
            new BudgetFigures(
                BudgetScope.RUN,
                new Budget(1000L, null),
                Spend.NONE,
                new Spend(600, BigDecimal.ZERO),
                new Spend(600, BigDecimal.ZERO)));
    assertThat(run.state.cause().errorClass()).isEqualTo(ErrorClass.BUDGET_EXCEEDED);
    assertThat(run.state.cause().message()).startsWith("run budget exceeded: 1200 tokens of 1000");
    run.assertReplayMatches();
  }

  @Test
  void underAPausePolicyTheRunPausesAndResumingApprovesTheHeldStep() {
    run.start(PARALLEL.formatted("'onBudgetExceeded': 'pause',"));
    assertThat(types(run.journal))
        .containsExactly(
            RunEventType.RUN_STARTED, RunEventType.BUDGET_EXCEEDED, RunEventType.RUN_PAUSED);
    assertThat(run.state.status()).isEqualTo(RunStatus.PAUSED);
    // b stays dispatched, unsent, until someone approves by resuming.
    assertThat(run.status("b")).isEqualTo(StepStatus.DISPATCHED);
    List<RunChange> resumed =
        run.apply(
            run.interventions.lifecycle(
                run.state,
                InterventionType.RESUME,
                new Intervention("ops", "approved"),
                T0.plusSeconds(5)));
    assertThat(types(resumed)).containsExactly(RunEventType.RUN_RESUMED);
    assertThat(run.status("b")).isEqualTo(StepStatus.DISPATCHED);
    // Approved, b goes out with what the run has left besides a's hold.
    assertThat(run.progress.assignments().assignment(run.state, "b").budget())
        .isEqualTo(new Budget(400L, null));
    run.result("a", StepOutcome.succeeded(JsonNodeFactory.instance.nullNode(), usage(500)), T0);
    run.result("b", StepOutcome.succeeded(JsonNodeFactory.instance.nullNode(), usage(300)), T0);
    assertThat(run.state.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.state.usage().totalTokens()).isEqualTo(800);
    run.assertReplayMatches();
  }

  @Test
  void anAttemptStoppedForItsBudgetPausesARunThatAsksForApprovalAndIsRetriedOnResume() {
    run.start(
        "{'onBudgetExceeded': 'pause', 'steps': [{'id': 'a', 'kind': 'agent', 'capability':"
            + " 'echo', 'budget': {'maxTokens': 100}}]}");
    BudgetFigures figures =
        new BudgetFigures(
            BudgetScope.STEP, new Budget(100L, null), null, null, new Spend(150, null));
    List<RunChange> events =
        run.result("a", new StepOutcome.Failed(StepError.budgetExceeded(figures), usage(150)), T0);
    assertThat(types(events))
        .containsExactly(
            RunEventType.STEP_FAILED,
            RunEventType.BUDGET_EXCEEDED,
            RunEventType.STEP_RETRY_SCHEDULED,
            RunEventType.RUN_PAUSED);
    assertThat(run.status("a")).isEqualTo(StepStatus.RETRY_WAIT);
    assertThat(((RunChange.BudgetExceeded) events.get(1)).figures()).isEqualTo(figures);
    run.assertReplayMatches();
  }

  @Test
  void withoutAPlanBudgetAnAttemptGoesOutWithItsOwnBudget() {
    run.start(
        "{'steps': [{'id': 'a', 'kind': 'agent', 'capability': 'echo', 'budget': {'maxTokens':"
            + " 100}}]}");
    assertThat(run.progress.assignments().assignment(run.state, "a").budget())
        .isEqualTo(new Budget(100L, null));
  }

  @Test
  void parallelLlmStepsHoldTheirWorstCaseAndGoOutWithItAsTheirLimit() {
    RunScenario llm = llmScenario();
    String step =
        "{'id': '%s', 'kind': 'agent', 'capability': 'llm', 'input': {'model': 'scripted-model',"
            + " 'prompt': 'p', 'maxTokens': 100}}";
    llm.start(
        "{'budget': {'maxTokens': 300}, 'onBudgetExceeded': 'pause', 'steps': ["
            + String.join(",", step.formatted("a"), step.formatted("b"), step.formatted("c"))
            + "]}");
    // Each holds its prompt's bound (16 a call, 8 a message, 1 byte) and its maxTokens: 125.
    assertThat(types(llm.journal))
        .containsExactly(
            RunEventType.RUN_STARTED, RunEventType.BUDGET_EXCEEDED, RunEventType.RUN_PAUSED);
    RunChange.BudgetExceeded exceeded = (RunChange.BudgetExceeded) llm.journal.get(1);
    assertThat(exceeded.stepId()).isEqualTo("c");
    assertThat(exceeded.figures().reserved().tokens()).isEqualTo(250);
    assertThat(exceeded.figures().requested().tokens()).isEqualTo(125);

    // With room for all three, each goes out with its worst case as its limit.
    RunScenario roomy = llmScenario();
    roomy.start(
        "{'budget': {'maxTokens': 400}, 'steps': ["
            + String.join(",", step.formatted("a"), step.formatted("b"), step.formatted("c"))
            + "]}");
    assertThat(roomy.progress.assignments().assignment(roomy.state, "a").budget())
        .isEqualTo(new Budget(125L, null));

    // Without a run or step budget the run sets no limit (a tenant's budget sets its own).
    RunScenario free = llmScenario();
    free.start("{'steps': [" + step.formatted("a") + "]}");
    assertThat(free.progress.assignments().assignment(free.state, "a").budget())
        .isEqualTo(Budget.UNLIMITED);
  }

  /** A scenario whose llm steps hold their worst case, as a node configured by default does. */
  private static RunScenario llmScenario() {
    return new RunScenario(
        new RunProgress(
            RunProgressTest.SETTINGS, PolicySettings.create(ConfigFactory.load()).estimator()));
  }

  private static Usage usage(long tokens) {
    return new Usage(null, tokens, 0, null);
  }
}
