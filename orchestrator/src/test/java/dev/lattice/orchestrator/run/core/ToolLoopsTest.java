package dev.lattice.orchestrator.run.core;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.run.core.RunScenario.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.OverrideRequest;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.StepStatus;
import org.junit.jupiter.api.Test;

/** The tool loop of an llm step, decided turn by turn and call by call. */
class ToolLoopsTest {
  private static final String LOOP =
      "{'steps': [{'id': 'agent', 'capability': 'llm', 'tools': ['echo', 'mcp.files.read'],"
          + " 'input': {'prompt': 'find it', 'system': 'be brief'}},"
          + " {'id': 'after', 'capability': 'echo', 'dependsOn': ['agent']}]}";

  private final RunScenario run = new RunScenario().start(LOOP);

  private void answer(String stepId, String output) {
    run.result(stepId, StepOutcome.succeeded(json(output), null), T0.plusMillis(10));
  }

  @Test
  void theLoopStepRunsAsTurnsAndIsNeverSentItself() {
    assertThat(run.status("agent")).isEqualTo(StepStatus.RUNNING);
    assertThat(run.status("agent.t1")).isEqualTo(StepStatus.DISPATCHED);
    assertThat(run.state.inFlight(run.state.step("agent"))).isFalse();
    assertThat(run.journal)
        .extracting(RunChange::type)
        .containsExactly("run.started", "step.turn_started");

    JsonNode input = StepInput.resolve(run.state, run.state.spec("agent.t1"));
    assertThat(input.get("system").asText()).isEqualTo("be brief");
    assertThat(input.has("prompt")).isFalse();
    assertThat(input.get("messages")).isEqualTo(json("[{'role': 'user', 'content': 'find it'}]"));
    assertThat(input.get("tools"))
        .isEqualTo(
            json(
                "[{'name': 'echo', 'capability': 'echo'},"
                    + " {'name': 'mcp_files_read', 'capability': 'mcp.files.read'}]"));
  }

  @Test
  void toolCallsRunInParallelAndTheirResultsGoToTheNextTurn() {
    answer(
        "agent.t1",
        "{'text': 'looking', 'toolCalls': [{'id': 'a1', 'name': 'echo', 'arguments': {'x': 1}},"
            + " {'id': 'a2', 'name': 'mcp_files_read', 'arguments': {'path': '{{payload.x}}'}}]}");
    assertThat(run.status("agent.t1.c1")).isEqualTo(StepStatus.DISPATCHED);
    assertThat(run.status("agent.t1.c2")).isEqualTo(StepStatus.DISPATCHED);
    assertThat(run.state.spec("agent.t1.c2").capability()).isEqualTo("mcp.files.read");
    // Arguments are the model's data: never filled in as a template.
    assertThat(StepInput.resolve(run.state, run.state.spec("agent.t1.c2")))
        .isEqualTo(json("{'path': '{{payload.x}}'}"));

    answer("agent.t1.c1", "{'x': 1}");
    assertThat(run.state.plan().step("agent.t2")).isNull();
    run.result(
        "agent.t1.c2",
        StepOutcome.failed(ErrorClass.POLICY_DENIED, "not allowed", null),
        T0.plusMillis(20));
    assertThat(run.status("agent.t1.c2")).isEqualTo(StepStatus.FAILED);
    assertThat(run.state.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(run.status("agent.t2")).isEqualTo(StepStatus.DISPATCHED);

    JsonNode messages = StepInput.resolve(run.state, run.state.spec("agent.t2")).get("messages");
    assertThat(messages).hasSize(4);
    assertThat(messages.get(1).get("toolCalls").get(1).get("arguments"))
        .isEqualTo(json("{'path': '{{payload.x}}'}"));
    assertThat(messages.get(2))
        .isEqualTo(
            json(
                "{'role': 'tool', 'toolCallId': 'a1', 'name': 'echo', 'content': {'x': 1},"
                    + " 'isError': false}"));
    assertThat(messages.get(3).get("isError").asBoolean()).isTrue();
    assertThat(messages.get(3).get("content").asText()).contains("policy_denied", "not allowed");

    answer("agent.t2", "{'text': 'found it', 'finishReason': 'stop'}");
    assertThat(run.status("agent")).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(run.state.step("agent").output())
        .isEqualTo(json("{'text': 'found it', 'finishReason': 'stop', 'turns': 2}"));
    assertThat(run.status("after")).isEqualTo(StepStatus.DISPATCHED);
    answer("after", "{}");
    assertThat(run.state.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.state.output().has("agent.t2")).isFalse();
    run.assertReplayMatches();
  }

  @Test
  void aCallOfAnUnknownToolOrWithoutObjectArgumentsIsRefusedAndToldToTheModel() {
    answer(
        "agent.t1",
        "{'toolCalls': [{'id': 'b1', 'name': 'shell', 'arguments': {}},"
            + " {'id': 'b2', 'name': 'echo', 'arguments': null, 'rawArguments': '{oops'},"
            + " {'id': 'b3', 'name': 'echo', 'arguments': {'h': ['Bearer ${secret:API_KEY}']}}]}");
    assertThat(run.status("agent.t1.c1")).isEqualTo(StepStatus.FAILED);
    assertThat(run.state.step("agent.t1.c1").error().message()).contains("no tool named 'shell'");
    assertThat(run.status("agent.t1.c2")).isEqualTo(StepStatus.FAILED);
    assertThat(run.state.step("agent.t1.c3").error().message()).contains("may not name a secret");
    assertThat(run.status("agent.t2")).isEqualTo(StepStatus.DISPATCHED);
    run.assertReplayMatches();
  }

  @Test
  void aTurnThatFailsForGoodFailsTheLoopAndTheRun() {
    for (int attempt = 1; attempt <= 3; attempt++) {
      run.result(
          "agent.t1",
          StepOutcome.failed(ErrorClass.AGENT_ERROR, "provider down", null),
          T0.plusSeconds(attempt));
      if (run.status("agent.t1") == StepStatus.RETRY_WAIT) {
        run.apply(
            run.progress.retryDue(run.state, "agent.t1", attempt + 1, T0.plusSeconds(attempt)));
      }
    }
    assertThat(run.status("agent")).isEqualTo(StepStatus.FAILED);
    assertThat(run.state.status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.state.cause().stepId()).isEqualTo("agent");
    run.assertReplayMatches();
  }

  @Test
  void theLastTurnAskingForToolsEndsTheStepWithToolLimit() {
    // The test settings allow 4 turns.
    for (int turn = 1; turn <= 4; turn++) {
      answer(
          "agent.t" + turn,
          "{'toolCalls': [{'id': 'c', 'name': 'echo', 'arguments': {'turn': " + turn + "}}]}");
      if (turn < 4) {
        answer("agent.t" + turn + ".c1", "{}");
      }
    }
    assertThat(run.status("agent")).isEqualTo(StepStatus.FAILED);
    assertThat(run.state.step("agent").error().errorClass()).isEqualTo(ErrorClass.TOOL_LIMIT);
    assertThat(run.state.plan().step("agent.t4.c1")).isNull();
    run.assertReplayMatches();
  }

  @Test
  void tooManyCallsEndTheStepWithToolLimit() {
    // The test settings allow 6 calls.
    answer(
        "agent.t1",
        "{'toolCalls': ["
            + "{'name': 'echo', 'arguments': {}}, {'name': 'echo', 'arguments': {}},"
            + "{'name': 'echo', 'arguments': {}}, {'name': 'echo', 'arguments': {}},"
            + "{'name': 'echo', 'arguments': {}}, {'name': 'echo', 'arguments': {}},"
            + "{'name': 'echo', 'arguments': {}}]}");
    assertThat(run.state.step("agent").error().errorClass()).isEqualTo(ErrorClass.TOOL_LIMIT);
    assertThat(run.state.step("agent").error().message()).contains("maxToolCalls 6");
  }

  @Test
  void aCallWhoseOutcomeIsUnknownWaitsForAPersonAndTheLoopWithIt() {
    answer("agent.t1", "{'toolCalls': [{'id': 'r', 'name': 'echo', 'arguments': {'refund': 5}}]}");
    run.result(
        "agent.t1.c1",
        StepOutcome.failed(ErrorClass.UNKNOWN_OUTCOME, "may have happened", null),
        T0.plusMillis(20));
    assertThat(run.status("agent.t1.c1")).isEqualTo(StepStatus.WAITING);
    assertThat(run.state.step("agent.t1.c1").error().errorClass())
        .isEqualTo(ErrorClass.UNKNOWN_OUTCOME);
    assertThat(run.state.plan().step("agent.t2")).isNull();
    assertThat(run.state.status()).isEqualTo(RunStatus.RUNNING);

    // A person says it happened, with its result: the loop goes on with it.
    run.apply(
        run.interventions.override(
            run.state,
            "agent.t1.c1",
            new OverrideRequest(json("{'refunded': 5}"), "ops", null),
            T0.plusMillis(30)));
    assertThat(run.status("agent.t2")).isEqualTo(StepStatus.DISPATCHED);
    assertThat(
            StepInput.resolve(run.state, run.state.spec("agent.t2"))
                .get("messages")
                .get(2)
                .get("content"))
        .isEqualTo(json("{'refunded': 5}"));
    run.assertReplayMatches();
  }

  @Test
  void aCallWhoseOutcomeIsUnknownIsSentAgainWhenAPersonSaysItDidNotHappen() {
    answer("agent.t1", "{'toolCalls': [{'id': 'r', 'name': 'echo', 'arguments': {'refund': 5}}]}");
    run.result(
        "agent.t1.c1",
        StepOutcome.failed(ErrorClass.UNKNOWN_OUTCOME, "may have happened", null),
        T0.plusMillis(20));
    run.apply(
        run.interventions.retry(
            run.state, "agent.t1.c1", new Intervention("ops", null), T0.plusMillis(30)));
    assertThat(run.status("agent.t1.c1")).isEqualTo(StepStatus.RETRY_WAIT);
    run.apply(run.progress.retryDue(run.state, "agent.t1.c1", 2, T0.plusMillis(30)));
    assertThat(run.status("agent.t1.c1")).isEqualTo(StepStatus.DISPATCHED);
    assertThat(run.state.step("agent.t1.c1").attempt()).isEqualTo(2);
    run.assertReplayMatches();
  }
}
