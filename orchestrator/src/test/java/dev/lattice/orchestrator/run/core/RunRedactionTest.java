package dev.lattice.orchestrator.run.core;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.redact.Redactor;
import dev.lattice.protocol.run.RunCause;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunSpec;
import dev.lattice.protocol.run.StateEntry;
import dev.lattice.protocol.run.StateScope;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.protocol.run.ToolCall;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every kind of run event loses the sensitive values it carries before it is applied. */
class RunRedactionTest {
  private static final String SECRET = "hunter2-5ecret";
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Set<String> FREE_TEXT = Set.of("reason", "message", "output", "refusal");

  private final RunRedaction redaction =
      new RunRedaction(Redactor.fromConfig(ConfigFactory.defaultReference()));

  /**
   * Each kind of event, built with a sensitive value in every field that can carry one, holds none
   * once redacted; a kind that is neither redacted nor listed as inert fails here (and in a run).
   */
  @Test
  void everyKindOfEventIsRedactedOrCarriesNothingFromOutside() throws Exception {
    List<String> leaking = new ArrayList<>();
    for (Class<?> kind : RunChange.class.getPermittedSubclasses()) {
      if (RunRedaction.INERT.contains(kind)) {
        continue;
      }
      RunChange event = sample(kind);
      String before = LatticeJson.mapper().writeValueAsString(event);
      String after = LatticeJson.mapper().writeValueAsString(redaction.apply(event));
      assertThat(before).as(kind.getSimpleName()).contains(SECRET);
      if (after.contains(SECRET)) {
        leaking.add(kind.getSimpleName() + ": " + after);
      }
    }
    assertThat(leaking).isEmpty();
  }

  @Test
  void aRunsPayloadAndTheInputsOfItsStepsAndSubPlansAreRedacted() {
    PlanSpec plan =
        plan(
            "{'steps': [{'id': 'a', 'capability': 'http', 'input': {'url': 'u', 'headers':"
                + " {'Authorization': 'Bearer "
                + SECRET
                + "', 'X-Key': 'Bearer ${secret:k}'}}},"
                + " {'id': 'm', 'kind': 'map', 'input': '${payload.items}', 'steps': [{'id': 'e',"
                + " 'capability': 'echo', 'input': {'password': '"
                + SECRET
                + "'}}]}, {'id': 'c', 'kind': 'run', 'plan': {'steps': [{'id': 'x', 'capability':"
                + " 'echo', 'input': {'token': '"
                + SECRET
                + "'}}]}}]}");
    RunSpec spec =
        new RunSpec(
            TenantId.DEFAULT,
            ExecutionMode.AUTO,
            "plan",
            plan,
            json("{'items': [1], 'apiKey': '" + SECRET + "'}"),
            null);

    RunSpec redacted = redaction.spec(spec);

    String text = redacted.toString();
    assertThat(text).doesNotContain(SECRET);
    assertThat(redacted.payload().get("apiKey").asText()).isEqualTo("[redacted]");
    assertThat(redacted.plan().step("a").input().at("/headers/X-Key").asText())
        .isEqualTo("Bearer ${secret:k}");
    assertThat(redacted.plan().step("m").steps().get(0).input().get("password").asText())
        .isEqualTo("[redacted]");
    assertThat(redacted.plan().step("c").plan().steps().get(0).input().get("token").asText())
        .isEqualTo("[redacted]");
    // Everything else about the plan is as it was.
    assertThat(redacted.plan().steps()).hasSize(3);
    assertThat(redacted.plan().step("m").input().asText()).isEqualTo("${payload.items}");
  }

  @Test
  void aRedactedPlanKeepsEveryOtherFieldOfEveryKindOfStep() {
    PlanSpec plan =
        plan(
            "{'steps': [{'id': 'a', 'capability': 'llm', 'model': 'm', 'input': {'prompt': 'p',"
                + " 'apiKey': '"
                + SECRET
                + "'}, 'tools': ['echo'], 'maxTurns': 3, 'maxToolCalls': 4, 'budget':"
                + " {'maxTokens': 100, 'maxCostUsd': 0.5}, 'retry': {'maxAttempts': 2,"
                + " 'initialBackoffMs': 10}, 'timeouts': {'startToCloseMs': 1000, 'heartbeatMs':"
                + " 500}},"
                + " {'id': 't', 'kind': 'transform', 'dependsOn': ['a'], 'expression': '{\\'x\\': 1}'},"
                + " {'id': 'g', 'kind': 'gate', 'dependsOn': ['t'], 'condition': 'true',"
                + " 'onFalse': 'skip'},"
                + " {'id': 'w', 'kind': 'wait', 'dependsOn': ['g'], 'signal': 'ok', 'durationMs':"
                + " 1000},"
                + " {'id': 'l', 'kind': 'loop', 'dependsOn': ['w'], 'until': 'true',"
                + " 'maxIterations': 2, 'steps': [{'id': 'e', 'capability': 'echo'}]},"
                + " {'id': 'r', 'kind': 'run', 'intent': 'code-build-test', 'input': {'x': 1}}],"
                + " 'retry': {'maxAttempts': 3}, 'deadlineMs': 60000, 'budget': {'maxTokens': 1000},"
                + " 'onBudgetExceeded': 'pause'}");

    PlanSpec redacted = redaction.plan(plan);

    JsonNode expected = LatticeJson.mapper().valueToTree(plan);
    ((ObjectNode) expected.at("/steps/0/input")).put("apiKey", "[redacted]");
    assertThat((JsonNode) LatticeJson.mapper().valueToTree(redacted)).isEqualTo(expected);
  }

  /**
   * A transform that puts a value under a sensitive name, a gate after it in the same decision, and
   * the input of a step after that all see the replacement: what the run decides on is what it
   * writes, and a replay rebuilds it.
   */
  @Test
  void aRunDecidesOnTheRedactedValuesItWrites() {
    RunScenario run =
        new RunScenario()
            .start(
                "{'steps': [{'id': 't', 'kind': 'transform', 'expression': '{\\\"token\\\":"
                    + " payload.ref}'}, {'id': 'g', 'kind': 'gate', 'dependsOn': ['t'],"
                    + " 'condition': 'steps.t.output.token == \\\"[redacted]\\\"'}, {'id':"
                    + " 'e', 'capability': 'echo', 'dependsOn': ['g'], 'input': {'copy':"
                    + " '${steps.t.output.token}', 'password': '${payload.password}'}}]}",
                "{'ref': 'abc', 'password': '" + SECRET + "'}");

    assertThat(run.status("g")).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(run.progress.assignments().assignment(run.state, "e").input())
        .isEqualTo(json("{'copy': '[redacted]', 'password': '[redacted]'}"));
    assertThat(run.journal.toString()).doesNotContain(SECRET);
    run.assertReplayMatches();
  }

  @Test
  void anEventWithNothingToRedactIsTheSameInstance() {
    RunChange succeeded =
        new RunChange.StepSucceeded("s", 1, null, null, json("{'text': 'hi'}"), null, T0);
    RunSpec spec =
        new RunSpec(
            TenantId.DEFAULT,
            ExecutionMode.AUTO,
            "plan",
            plan("{'steps': [{'id': 'a', 'capability': 'echo', 'input': {'x': 1}}]}"),
            json("{'x': 1}"),
            null);

    assertThat(redaction.apply(succeeded)).isSameAs(succeeded);
    assertThat(redaction.spec(spec)).isSameAs(spec);
  }

  @Test
  void aSharedStateEntryIsRedactedByItsKey() {
    RunChange written =
        new RunChange.StateWritten(
            "s",
            new StateEntry(
                "apiToken", json("{'v': '" + SECRET + "'}"), StateScope.SHARED, "s", null),
            T0);

    RunChange.StateWritten redacted = (RunChange.StateWritten) redaction.apply(written);

    assertThat(redacted.entry().value()).isEqualTo(json("{'v': '[redacted]'}"));
  }

  /** An event of {@code kind} with a sensitive value in every field that may carry one. */
  private static RunChange sample(Class<?> kind) throws Exception {
    RecordComponent[] components = kind.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] values = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      values[i] = value(components[i].getName(), components[i].getGenericType(), types[i]);
    }
    Constructor<?> canonical = kind.getDeclaredConstructor(types);
    return (RunChange) canonical.newInstance(values);
  }

  private static Object value(String name, Type generic, Class<?> type) {
    if (type == String.class) {
      return FREE_TEXT.contains(name) ? "failed: password=" + SECRET : "s";
    }
    if (type == JsonNode.class) {
      return json("{'data': {'password': '" + SECRET + "'}}");
    }
    if (type == Instant.class) {
      return T0;
    }
    if (type == int.class || type == Integer.class) {
      return 1;
    }
    if (type == List.class) {
      Type element = ((ParameterizedType) generic).getActualTypeArguments()[0];
      return element == ToolCall.class
          ? List.of(
              new ToolCall("c1", "t", "cap", "s.t1.c1", json("{'token': '" + SECRET + "'}"), null))
          : List.of("apiKey=" + SECRET);
    }
    if (type == RunSpec.class) {
      return new RunSpec(
          TenantId.DEFAULT,
          ExecutionMode.AUTO,
          "plan",
          planWithSecret(),
          json("{'secret': '" + SECRET + "'}"),
          null);
    }
    if (type == PlanSpec.class) {
      return planWithSecret();
    }
    if (type == StepError.class) {
      return StepError.of(ErrorClass.AGENT_ERROR, "Authorization: Bearer " + SECRET);
    }
    if (type == RunCause.class) {
      return new RunCause("s", ErrorClass.AGENT_ERROR, "token=" + SECRET, 1);
    }
    if (type == StateEntry.class) {
      return new StateEntry("password", json("'" + SECRET + "'"), StateScope.SHARED, "s", null);
    }
    return null;
  }

  private static PlanSpec planWithSecret() {
    return plan(
        "{'steps': [{'id': 'a', 'capability': 'echo', 'input': {'apiKey': '" + SECRET + "'}}]}");
  }
}
