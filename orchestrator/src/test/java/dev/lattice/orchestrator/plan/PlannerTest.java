package dev.lattice.orchestrator.plan;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.PlannedRun;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.json.PayloadLimits;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.RetryPolicy;
import dev.lattice.protocol.plan.StepKind;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerTest {
  private static final Map<String, String> BUILT_IN =
      Map.of(
          "indexing", "templates/indexing.json",
          "code-build-test", "templates/code-build-test.json");
  private static final Set<String> CAPABILITIES = Set.of("echo", "shell");
  private static final RetryPolicy RETRY = new RetryPolicy(3, 200L, 10_000L, 2.0, 0.2, null);

  private final Planner planner = planner(null);

  private static Planner planner(Path directory) {
    return new Planner(
        TemplateRegistry.load(BUILT_IN, directory),
        new PlanValidator(
            100,
            EnumSet.allOf(StepKind.class),
            Duration.ofDays(366),
            PlanValidatorTest.SUB_PLAN,
            PlanValidatorTest.CHILD),
        RETRY,
        new PayloadLimits(4, 1000));
  }

  @Test
  void refusesAPayloadOrAnInputTemplatePastThePayloadLimits() {
    assertThatThrownBy(
            () ->
                planner.plan(
                    ExecuteRequest.plan(
                        plan("{'steps': [{'id': 'a', 'capability': 'echo'}]}"),
                        json("{'a': {'b': {'c': {'d': {'e': 1}}}}}")),
                    CAPABILITIES))
        .isInstanceOfSatisfying(
            PlanRejectedException.class,
            e -> {
              assertThat(e.field()).isEqualTo("payload");
              assertThat(e.reason())
                  .isEqualTo("the payload nests deeper than 4 levels (lattice.payload.max-depth)");
            });
    assertThatThrownBy(
            () ->
                planner.plan(
                    ExecuteRequest.plan(
                        plan(
                            "{'steps': [{'id': 'a', 'capability': 'echo'}, {'id': 'b',"
                                + " 'capability': 'echo', 'input': {'t': '"
                                + "x".repeat(1000)
                                + "'}}]}"),
                        json("{}")),
                    CAPABILITIES))
        .isInstanceOfSatisfying(
            PlanRejectedException.class,
            e -> assertThat(e.field()).isEqualTo("plan.steps[1].input"));
  }

  @Test
  void turnsEachBuiltInIntentIntoAValidPlan() {
    for (String intent : BUILT_IN.keySet()) {
      PlannedRun planned =
          planner.plan(ExecuteRequest.intent(intent, json("{'repo': 'demo'}")), CAPABILITIES);
      assertThat(planned.source()).isEqualTo("intent:" + intent);
      assertThat(planned.plan().steps()).isNotEmpty();
    }
  }

  @Test
  void theCodeBuildTestShapeIsGenerateBuildTestGateReport() {
    PlannedRun planned =
        planner.plan(ExecuteRequest.intent("code-build-test", json("{}")), CAPABILITIES);
    assertThat(planned.plan().steps())
        .extracting(s -> s.id() + ":" + s.kind().wire())
        .containsExactly(
            "generate:transform", "build:agent", "test:agent", "gate:gate", "report:agent");
  }

  @Test
  void rejectsAnUnknownIntentListingTheKnownOnes() {
    assertThatThrownBy(
            () -> planner.plan(ExecuteRequest.intent("deploy", json("{}")), CAPABILITIES))
        .isInstanceOf(PlanRejectedException.class)
        .hasMessage("unknown intent 'deploy'; known: [code-build-test, indexing]");
  }

  @Test
  void needsExactlyOneSource() {
    ExecuteRequest none = new ExecuteRequest(null, json("{}"), null, null, null, null);
    assertThatThrownBy(() -> planner.plan(none, CAPABILITIES))
        .hasMessage("give exactly one of 'intent', 'workflow', 'plan' or 'goal' (got 0)");
    ExecuteRequest two =
        new ExecuteRequest(
            null,
            json("{}"),
            null,
            "indexing",
            null,
            plan("{'steps': [{'id': 'a', 'capability': 'echo'}]}"));
    assertThatThrownBy(() -> planner.plan(two, CAPABILITIES)).hasMessageContaining("(got 2)");
  }

  @Test
  void keepsTheTenantAndEstimatesTheShape() {
    PlannedRun planned =
        planner.plan(
            ExecuteRequest.plan(
                    plan(
                        "{'steps': [{'id': 'a', 'capability': 'echo', 'budget': {'maxTokens': 100,"
                            + " 'maxCostUsd': 0.01}},"
                            + " {'id': 'b', 'capability': 'echo', 'dependsOn': ['a'], 'budget':"
                            + " {'maxTokens': 50, 'maxCostUsd': 0.02}, 'retry': {'maxAttempts': 1}},"
                            + " {'id': 'c', 'capability': 'echo', 'dependsOn': ['a'], 'budget':"
                            + " {'maxTokens': 50, 'maxCostUsd': 0.02}, 'retry': {'maxAttempts': 1}}]}"),
                    json("{}"))
                .withTenant(TenantId.of("acme")),
            CAPABILITIES);
    assertThat(planned.tenant()).isEqualTo(TenantId.of("acme"));
    assertThat(planned.estimate().criticalPath()).isEqualTo(2);
    assertThat(planned.estimate().maxParallelism()).isEqualTo(2);
    // a may run 3 times (the default), b and c once each.
    assertThat(planned.estimate().maxTokens()).isEqualTo(400L);
    assertThat(planned.estimate().maxCostUsd()).isEqualByComparingTo(new BigDecimal("0.07"));
  }

  @Test
  void givesNoBudgetEstimateForAgentsThatAMapRunsPerElement() {
    PlannedRun planned =
        planner.plan(
            ExecuteRequest.plan(
                plan(
                    "{'steps': [{'id': 'M', 'kind': 'map', 'input': '${payload.items}', 'steps':"
                        + " [{'id': 'a', 'capability': 'echo', 'budget': {'maxTokens': 100,"
                        + " 'maxCostUsd': 0.01}}]}]}"),
                json("{'items': [1, 2]}")),
            CAPABILITIES);
    assertThat(planned.estimate().maxTokens()).isNull();
    assertThat(planned.estimate().maxCostUsd()).isNull();
    // The sub-plan's steps are warned about like the plan's.
    PlannedRun unbounded =
        planner.plan(
            ExecuteRequest.plan(
                plan(
                    "{'steps': [{'id': 'L', 'kind': 'loop', 'until': 'true', 'steps':"
                        + " [{'id': 'a', 'capability': 'echo'}]}]}"),
                json("{}")),
            CAPABILITIES);
    assertThat(unbounded.warnings())
        .containsExactly(
            "agent step 'a' of loop step 'L' has no budget: its tokens and cost are unbounded");
  }

  @Test
  void strictRefusesAPlanWithPolicyWarningsWhichAutoOnlyReports() {
    ExecuteRequest auto = ExecuteRequest.intent("indexing", json("{}"));
    assertThat(planner.plan(auto, CAPABILITIES).warnings())
        .contains("agent step 'embed' has no budget: its tokens and cost are unbounded");
    assertThatThrownBy(() -> planner.plan(auto.withMode(ExecutionMode.STRICT), CAPABILITIES))
        .isInstanceOf(PlanRejectedException.class)
        .hasMessageStartingWith(
            "strict mode refuses a plan with policy warnings: agent step"
                + " 'embed' has no budget");
    ExecuteRequest bounded =
        ExecuteRequest.plan(
                plan(
                    "{'steps': [{'id': 'a', 'capability': 'echo', 'budget': {'maxTokens': 10}},"
                        + " {'id': 'ok', 'kind': 'wait', 'signal': 'go', 'durationMs': 1000}]}"),
                json("{}"))
            .withMode(ExecutionMode.STRICT);
    PlannedRun strict = planner.plan(bounded, CAPABILITIES);
    assertThat(strict.warnings()).isEmpty();
    assertThat(strict.mode()).isEqualTo(ExecutionMode.STRICT);
  }

  @Test
  void warnsOfASignalThatMayNeverCome() {
    ExecuteRequest request =
        ExecuteRequest.plan(
            plan("{'steps': [{'id': 'ok', 'kind': 'wait', 'signal': 'approve'}]}"), json("{}"));
    assertThat(planner.plan(request, CAPABILITIES).warnings())
        .containsExactly(
            "wait step 'ok' waits for signal 'approve' with no timeout: the run may wait forever");
  }

  @Test
  void dryRunIsPlannedAsItIs() {
    ExecuteRequest dryRun =
        ExecuteRequest.intent("indexing", json("{}")).withMode(ExecutionMode.DRY_RUN);
    assertThat(planner.plan(dryRun, CAPABILITIES).mode()).isEqualTo(ExecutionMode.DRY_RUN);
  }

  @Test
  void loadsOperatorTemplatesFromADirectory(@TempDir Path directory) throws Exception {
    Files.writeString(
        directory.resolve("greet.json"),
        "{\"steps\": [{\"id\": \"hi\", \"capability\": \"echo\", \"input\": \"${payload.name}\"}]}");
    PlannedRun planned =
        planner(directory).plan(ExecuteRequest.intent("greet", json("{}")), CAPABILITIES);
    assertThat(planned.plan().steps()).hasSize(1);
  }

  @Test
  void refusesAPayloadThatDoesNotMatchTheIntentsSchema() {
    assertThatThrownBy(
            () ->
                planner.plan(
                    ExecuteRequest.intent("code-build-test", json("{'build': 'make'}")),
                    CAPABILITIES))
        .isInstanceOfSatisfying(
            PlanRejectedException.class,
            e -> {
              assertThat(e.field()).isEqualTo("payload");
              assertThat(e.reason())
                  .startsWith("the payload does not match the payloadSchema of intent")
                  .contains("/build");
            });
    // An absent payload is checked as {}: every field of the built-in templates is optional.
    assertThat(
            planner
                .plan(ExecuteRequest.intent("code-build-test", null), CAPABILITIES)
                .plan()
                .steps())
        .isNotEmpty();
  }

  @Test
  void intentsDescribeThemselvesAndTheirPayload(@TempDir Path directory) throws Exception {
    Files.writeString(
        directory.resolve("greet.json"),
        "{\"description\": \"Says hello.\", \"payloadSchema\": {\"type\": \"object\","
            + " \"required\": [\"name\"]}, \"steps\": [{\"id\": \"a\", \"capability\":"
            + " \"echo\"}]}");
    Files.writeString(
        directory.resolve("bare.json"), "{\"steps\": [{\"id\": \"a\", \"capability\": \"echo\"}]}");

    var intents = planner(directory).intentViews();

    assertThat(intents)
        .extracting(i -> i.name())
        .containsExactly("bare", "code-build-test", "greet", "indexing");
    var greet = intents.get(2);
    assertThat(greet.description()).isEqualTo("Says hello.");
    assertThat(greet.payloadSchema().get("required").get(0).asText()).isEqualTo("name");
    assertThat(intents.get(0).description()).isNull();
    assertThat(intents.get(0).payloadSchema()).isNull();
    assertThatThrownBy(
            () -> planner(directory).plan(ExecuteRequest.intent("greet", json("{}")), CAPABILITIES))
        .hasMessageContaining("required property 'name' not found");
  }

  @Test
  void refusesATemplateWhosePayloadSchemaIsNoSchema(@TempDir Path directory) throws Exception {
    Files.writeString(
        directory.resolve("odd.json"),
        "{\"payloadSchema\": {\"type\": 5}, \"steps\": [{\"id\": \"a\", \"capability\":"
            + " \"echo\"}]}");

    assertThatThrownBy(() -> planner(directory))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("template 'odd': payloadSchema is not a valid JSON Schema");
  }
}
