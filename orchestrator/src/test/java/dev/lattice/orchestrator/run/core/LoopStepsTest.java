package dev.lattice.orchestrator.run.core;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.run.core.RunScenario.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.StepStatus;
import org.junit.jupiter.api.Test;

/** A loop step, decided iteration by iteration. */
class LoopStepsTest {
  private static String plan(int maxIterations) {
    return "{'steps': [{'id': 'L', 'kind': 'loop', 'maxIterations': "
        + maxIterations
        + ", 'until': 'steps.review.output.verdict == \\\"approve\\\"',"
        + " 'steps': [{'id': 'draft', 'capability': 'echo', 'input': {'round': '${iteration}',"
        + " 'topic': '${payload.topic}'}},"
        + " {'id': 'review', 'capability': 'echo', 'dependsOn': ['draft']}]}]}";
  }

  private void answer(RunScenario run, String stepId, String output) {
    run.result(stepId, StepOutcome.succeeded(json(output), null), T0.plusMillis(10));
  }

  @Test
  void iterationsRunOneAfterTheOtherUntilTheConditionHolds() {
    RunScenario run = new RunScenario().start(plan(5), "{'topic': 'x'}");
    assertThat(run.status("L")).isEqualTo(StepStatus.RUNNING);
    assertThat(run.status("L.i1.draft")).isEqualTo(StepStatus.DISPATCHED);
    assertThat(StepInput.resolve(run.state, run.state.spec("L.i1.draft")))
        .hasToString(json("{'round': 1, 'topic': 'x'}").toString());
    answer(run, "L.i1.draft", "{'text': 'd1'}");
    assertThat(StepInput.resolve(run.state, run.state.spec("L.i1.review")))
        .isEqualTo(json("{'draft': {'text': 'd1'}}"));
    answer(run, "L.i1.review", "{'verdict': 'revise'}");
    assertThat(run.status("L.i2.draft")).isEqualTo(StepStatus.DISPATCHED);
    // The previous iteration's outputs are there for the next.
    assertThat(SubPlanContext.of(run.state, run.state.spec("L"), 2).get("previous"))
        .isEqualTo(
            json(
                "{'draft': {'output': {'text': 'd1'}}, 'review': {'output':"
                    + " {'verdict': 'revise'}}}"));
    answer(run, "L.i2.draft", "{'text': 'd2'}");
    answer(run, "L.i2.review", "{'verdict': 'approve'}");

    assertThat(run.status("L")).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(run.state.step("L").output())
        .isEqualTo(
            json(
                "{'iterations': 2, 'outputs': {'draft': {'text': 'd2'},"
                    + " 'review': {'verdict': 'approve'}}}"));
    assertThat(run.state.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.state.output()).isEqualTo(json("{'L': " + run.state.step("L").output() + "}"));
    run.assertReplayMatches();
  }

  @Test
  void reachingMaxIterationsFailsWithLoopLimit() {
    RunScenario run = new RunScenario().start(plan(2), "{'topic': 'x'}");
    for (int i = 1; i <= 2; i++) {
      answer(run, "L.i" + i + ".draft", "{}");
      answer(run, "L.i" + i + ".review", "{'verdict': 'revise'}");
    }
    assertThat(run.state.step("L.i3.draft")).isNull();
    assertThat(run.status("L")).isEqualTo(StepStatus.FAILED);
    assertThat(run.state.step("L").error().errorClass()).isEqualTo(ErrorClass.LOOP_LIMIT);
    assertThat(run.state.step("L").error().message()).contains("ran 2 iterations");
    assertThat(run.state.status()).isEqualTo(RunStatus.FAILED);
    run.assertReplayMatches();
  }

  @Test
  void aFailedIterationFailsTheLoop() {
    RunScenario run = new RunScenario().start(plan(3), "{'topic': 'x'}");
    run.result(
        "L.i1.draft",
        StepOutcome.failed(ErrorClass.POLICY_DENIED, "no drafting", null),
        T0.plusMillis(10));
    assertThat(run.state.step("L").error().message())
        .isEqualTo("iteration 1 failed at step 'draft': no drafting");
    assertThat(run.state.status()).isEqualTo(RunStatus.FAILED);
  }
}
