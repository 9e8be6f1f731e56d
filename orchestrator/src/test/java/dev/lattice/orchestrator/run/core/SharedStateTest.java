package dev.lattice.orchestrator.run.core;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.run.core.RunScenario.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.StateEntry;
import dev.lattice.protocol.run.StateScope;
import dev.lattice.protocol.run.StepStatus;
import org.junit.jupiter.api.Test;

/**
 * A run's shared state: written by steps' results in the order the run records them, read in
 * templates.
 */
class SharedStateTest {
  private final RunScenario run = new RunScenario();

  private void answer(String stepId, String output, long millis) {
    run.result(stepId, StepOutcome.succeeded(json(output), null), T0.plusMillis(millis));
  }

  @Test
  void writesAreEventsInOrderAndLaterStepsReadTheLatest() {
    run.start(
        "{'steps': ["
            + "{'id': 'left', 'capability': 'echo'},"
            + "{'id': 'right', 'capability': 'echo'},"
            + "{'id': 'read', 'capability': 'echo', 'dependsOn': ['left', 'right'],"
            + " 'input': {'draft': '${state.draft}', 'n': '${state.count}'}}]}");
    answer("left", "{'$state': {'draft': 'from left', 'count': 1}}", 10);
    answer("right", "{'$state': {'draft': 'from right'}}", 20);

    assertThat(run.journal)
        .filteredOn(RunChange.StateWritten.class::isInstance)
        .extracting(e -> ((RunChange.StateWritten) e).entry().key())
        .containsExactly("draft", "count", "draft");
    assertThat(StepInput.resolve(run.state, run.state.spec("read")))
        .isEqualTo(json("{'draft': 'from right', 'n': 1}"));
    assertThat(run.state.view(1).state())
        .extracting(StateEntry::key, StateEntry::stepId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("count", "left"),
            org.assertj.core.groups.Tuple.tuple("draft", "right"));
    run.assertReplayMatches();
  }

  @Test
  void privateKeysAreTheWritersOwnAndTemporaryOnesExpire() {
    run.start(
        "{'steps': [{'id': 'a', 'capability': 'echo'}, {'id': 'b', 'capability': 'echo'},"
            + " {'id': 'late', 'capability': 'echo', 'dependsOn': ['a', 'b'],"
            + " 'input': '${state.mine}'}]}");
    answer(
        "a",
        "{'$state': [{'key': 'mine', 'value': 'a only', 'scope': 'private'},"
            + " {'key': 'lock', 'value': true, 'scope': 'temporary', 'ttlMs': 1000},"
            + " {'key': 'bad', 'scope': 'temporary'}, {'key': 'also bad!', 'value': 1}]}",
        10);
    assertThat(run.state.variablesFor("a").get("mine").asText()).isEqualTo("a only");
    assertThat(run.state.variablesFor("b").has("mine")).isFalse();
    assertThat(run.state.variablesFor("b").get("lock").asBoolean()).isTrue();
    assertThat(run.state.variables())
        .extracting(StateEntry::key)
        .containsExactlyInAnyOrder("mine", "lock");
    assertThat(run.state.variables())
        .filteredOn(e -> e.scope() == StateScope.TEMPORARY)
        .singleElement()
        .satisfies(e -> assertThat(e.expiresAt()).isEqualTo(T0.plusMillis(1010)));

    // b finishes after the lock expired; 'late' cannot see a's private key: its input fails.
    answer("b", "{}", 5000);
    assertThat(run.state.variablesFor("late").has("lock")).isFalse();
    assertThat(run.status("late")).isEqualTo(StepStatus.FAILED);
    assertThat(run.state.step("late").error().errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(run.state.status()).isEqualTo(RunStatus.FAILED);
    run.assertReplayMatches();
  }

  @Test
  void aTransformWritesStateAndAGateReadsIt() {
    run.start(
        "{'steps': [{'id': 'count', 'kind': 'transform',"
            + " 'expression': '{\\\"$state\\\": {\\\"verdict\\\": \\\"approve\\\"}}'},"
            + " {'id': 'ok', 'kind': 'gate', 'dependsOn': ['count'],"
            + " 'condition': 'state.verdict == \\\"approve\\\"'}]}");
    assertThat(run.state.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.state.step("ok").output().get("passed").asBoolean()).isTrue();
    run.assertReplayMatches();
  }
}
