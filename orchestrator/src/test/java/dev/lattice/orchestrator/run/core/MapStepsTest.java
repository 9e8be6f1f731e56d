package dev.lattice.orchestrator.run.core;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.run.core.RunScenario.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.StepStatus;
import org.junit.jupiter.api.Test;

/** A map step, decided element by element. */
class MapStepsTest {
  private static final String PAYLOAD = "{'items': [{'n': 1}, {'n': 2}, {'n': 3}, {'n': 4}]}";

  private static String plan(String options) {
    return "{'steps': [{'id': 'M', 'kind': 'map', 'input': '${payload.items}'"
        + options
        + ", 'steps': [{'id': 'fetch', 'capability': 'echo', 'input': {'n': '${item.n}',"
        + " 'at': '${index}'}},"
        + " {'id': 'shape', 'kind': 'transform', 'expression': '{\\\"got\\\": steps.fetch.output.n,"
        + " \\\"i\\\": index}', 'dependsOn': ['fetch']}]},"
        + " {'id': 'after', 'kind': 'transform', 'expression': 'steps.M.output',"
        + " 'dependsOn': ['M']}]}";
  }

  private static void answer(RunScenario run, String stepId) {
    run.result(
        stepId,
        StepOutcome.succeeded(StepInput.resolve(run.state, run.state.spec(stepId)), null),
        T0.plusMillis(10));
  }

  @Test
  void elementsStartAtMostConcurrencyAtATimeAndTheOutputKeepsTheListsOrder() {
    RunScenario run = new RunScenario().start(plan(", 'concurrency': 2"), PAYLOAD);
    assertThat(run.status("M")).isEqualTo(StepStatus.RUNNING);
    assertThat(run.state.inFlight(run.state.step("M"))).isFalse();
    assertThat(run.status("M.0.fetch")).isEqualTo(StepStatus.DISPATCHED);
    assertThat(run.status("M.1.fetch")).isEqualTo(StepStatus.DISPATCHED);
    assertThat(run.state.step("M.2.fetch")).isNull();
    assertThat(StepInput.resolve(run.state, run.state.spec("M.1.fetch")))
        .hasToString(json("{'n': 2, 'at': 1}").toString());

    // Element 1 finishes first: element 2 takes its place, and element 0's order is kept.
    answer(run, "M.1.fetch");
    assertThat(run.status("M.1.shape")).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(run.status("M.2.fetch")).isEqualTo(StepStatus.DISPATCHED);
    assertThat(run.state.step("M.3.fetch")).isNull();
    answer(run, "M.2.fetch");
    answer(run, "M.3.fetch");
    assertThat(run.status("M")).isEqualTo(StepStatus.RUNNING);
    answer(run, "M.0.fetch");

    assertThat(run.status("M")).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(run.state.step("M").output())
        .isEqualTo(
            json(
                "[{'got': 1, 'i': 0}, {'got': 2, 'i': 1}, {'got': 3, 'i': 2},"
                    + " {'got': 4, 'i': 3}]"));
    assertThat(run.state.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.state.output())
        .isEqualTo(json("{'after': " + run.state.step("M").output() + "}"));
    assertThat(run.journal)
        .extracting(RunChange::type)
        .filteredOn("step.element_started"::equals)
        .hasSize(4);
    run.assertReplayMatches();
  }

  @Test
  void aFailedElementFailsTheMapAndTheRunByDefault() {
    RunScenario run = new RunScenario().start(plan(", 'concurrency': 4"), PAYLOAD);
    answer(run, "M.0.fetch");
    run.result(
        "M.2.fetch",
        StepOutcome.failed(ErrorClass.POLICY_DENIED, "not this one", null),
        T0.plusMillis(20));
    assertThat(run.status("M")).isEqualTo(StepStatus.FAILED);
    assertThat(run.state.step("M").error().errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(run.state.step("M").error().message())
        .isEqualTo("element 2 failed at step 'fetch': not this one");
    assertThat(run.state.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.state.cause().stepId()).isEqualTo("M");
    run.assertReplayMatches();
  }

  @Test
  void aCollectingMapPutsTheErrorInTheFailedElementsPlace() {
    RunScenario run =
        new RunScenario().start(plan(", 'concurrency': 3, 'onElementFailure': 'collect'"), PAYLOAD);
    run.result(
        "M.1.fetch",
        StepOutcome.failed(ErrorClass.POLICY_DENIED, "not this one", null),
        T0.plusMillis(20));
    assertThat(run.status("M.1.shape")).isEqualTo(StepStatus.PENDING);
    assertThat(run.status("M.3.fetch")).isEqualTo(StepStatus.DISPATCHED);
    answer(run, "M.0.fetch");
    answer(run, "M.2.fetch");
    answer(run, "M.3.fetch");
    assertThat(run.state.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.state.step("M").output().get(1))
        .isEqualTo(
            json(
                "{'error': {'step': 'fetch', 'errorClass': 'policy_denied',"
                    + " 'message': 'not this one'}}"));
    assertThat(run.state.step("M").output().get(3)).isEqualTo(json("{'got': 4, 'i': 3}"));
    run.assertReplayMatches();
  }

  @Test
  void anEmptyListSucceedsAtOnceAndANonListFailsWithInvalidInput() {
    RunScenario empty = new RunScenario().start(plan(""), "{'items': []}");
    assertThat(empty.state.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(empty.state.output()).isEqualTo(json("{'after': []}"));

    RunScenario notAList = new RunScenario().start(plan(""), "{'items': {'a': 1}}");
    assertThat(notAList.state.status()).isEqualTo(RunStatus.FAILED);
    assertThat(notAList.state.step("M").error().errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(notAList.state.step("M").error().message()).contains("runs over a list");
  }

  @Test
  void aListLongerThanTheLimitFailsTheMap() {
    StringBuilder items = new StringBuilder("[0");
    for (int i = 1; i <= RunProgressTest.SETTINGS.subPlan().maxElements(); i++) {
      items.append(',').append(i);
    }
    RunScenario run = new RunScenario().start(plan(""), "{'items': " + items + "]}");
    assertThat(run.state.step("M").error().message()).contains("max-elements");

    // Fewer elements, but each adds so many steps that together they would pass the bound.
    int elements = RunProgressTest.SETTINGS.subPlan().maxElements();
    int perElement = RunProgressTest.SETTINGS.subPlan().maxAddedSteps() / elements + 1;
    StringBuilder steps = new StringBuilder();
    for (int i = 0; i < perElement; i++) {
      steps.append(i == 0 ? "" : ", ").append("{'id': 's").append(i).append("', 'capability':");
      steps.append(" 'echo'}");
    }
    RunScenario wide =
        new RunScenario()
            .start(
                "{'steps': [{'id': 'M', 'kind': 'map', 'input': '${payload.items}', 'steps': ["
                    + steps
                    + "]}]}",
                "{'items': " + items.substring(0, items.lastIndexOf(",")) + "]}");
    assertThat(wide.state.step("M").error().errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(wide.state.step("M").error().message()).contains("max-added-steps");
  }

  @Test
  void anElementFromOutsideMayNotNameASecret() {
    // Through a template, the list is refused as a whole: the map fails before any element runs.
    RunScenario templated =
        new RunScenario().start(plan(""), "{'items': [{'n': 1}, {'n': '${secret:API_KEY}'}]}");
    assertThat(templated.status("M")).isEqualTo(StepStatus.FAILED);
    assertThat(templated.state.step("M").error().errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(templated.state.step("M").error().message()).contains("secret reference");

    // A map without input runs over the payload as it is; an element's first step gets the
    // element as its input, and is refused when it is sent.
    RunScenario passed =
        new RunScenario()
            .start(
                "{'steps': [{'id': 'M', 'kind': 'map', 'steps': [{'id': 'call', 'capability':"
                    + " 'echo'}]}]}",
                "[{'n': 1}, 'Bearer ${secret:API_KEY}']");
    assertThat(passed.status("M.0.call")).isEqualTo(StepStatus.DISPATCHED);
    assertThat(passed.status("M.1.call")).isEqualTo(StepStatus.FAILED);
    assertThat(passed.state.step("M.1.call").error().message()).contains("secret reference");
    assertThat(passed.status("M")).isEqualTo(StepStatus.FAILED);
  }

  @Test
  void aGateInTheSubPlanSeesTheElementAndASkippedFinalStepGivesNull() {
    RunScenario run =
        new RunScenario()
            .start(
                "{'steps': [{'id': 'M', 'kind': 'map', 'input': '${payload.items}', 'steps':"
                    + " [{'id': 'even', 'kind': 'gate', 'condition': 'item.n % 2 == 0',"
                    + " 'onFalse': 'skip'}, {'id': 'call', 'capability': 'echo', 'dependsOn':"
                    + " ['even'], 'input': '${item}'}]}]}",
                PAYLOAD);
    // Element 0 is {'n': 1}: odd, its call is skipped.
    assertThat(run.status("M.0.call")).isEqualTo(StepStatus.SKIPPED);
    answer(run, "M.1.call");
    answer(run, "M.3.call");
    assertThat(run.state.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.state.step("M").output().toString())
        .isEqualTo(json("[null, {'n': 2}, null, {'n': 4}]").toString());
    run.assertReplayMatches();
  }
}
