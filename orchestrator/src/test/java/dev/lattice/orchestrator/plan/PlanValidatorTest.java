package dev.lattice.orchestrator.plan;

import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.StepKind;
import java.util.EnumSet;
import java.util.Set;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class PlanValidatorTest {
  private final PlanValidator validator =
      new PlanValidator(
          100, EnumSet.of(StepKind.AGENT, StepKind.TRANSFORM, StepKind.GATE, StepKind.WAIT));
  private final Set<String> capabilities = Set.of("echo", "shell");

  private AbstractThrowableAssert<?, ? extends Throwable> rejecting(String json) {
    PlanSpec spec = plan(json);
    return assertThatThrownBy(() -> validator.validate(spec, capabilities))
        .isInstanceOf(PlanRejectedException.class);
  }

  private static String field(Throwable t) {
    return ((PlanRejectedException) t).field();
  }

  @Test
  void acceptsAValidDag() {
    PlanSpec spec =
        plan(
            "{'steps': [{'id': 'a', 'capability': 'echo'},"
                + " {'id': 'b', 'capability': 'echo', 'dependsOn': ['a']},"
                + " {'id': 'c', 'capability': 'echo', 'dependsOn': ['a'],"
                + "  'input': {'x': '${steps.a.output.text}', 'p': '${payload.repo}'}},"
                + " {'id': 'd', 'kind': 'transform', 'dependsOn': ['b', 'c'], 'expression':"
                + " 'steps.b.output'},"
                + " {'id': 'e', 'kind': 'gate', 'dependsOn': ['d'], 'condition': 'true'}]}");
    assertThatCode(() -> validator.validate(spec, capabilities)).doesNotThrowAnyException();
  }

  @Test
  void rejectsAnEmptyPlan() {
    rejecting("{'steps': []}").hasMessage("the plan has no steps");
  }

  @Test
  void rejectsADuplicateStepId() {
    rejecting("{'steps': [{'id': 'a', 'capability': 'echo'}, {'id': 'a', 'capability': 'echo'}]}")
        .hasMessageContaining("duplicate step id 'a'")
        .satisfies(
            t ->
                org.assertj.core.api.Assertions.assertThat(field(t)).isEqualTo("plan.steps[1].id"));
  }

  @Test
  void rejectsAMalformedStepId() {
    rejecting("{'steps': [{'id': 'a b', 'capability': 'echo'}]}").hasMessageContaining("step id");
  }

  @Test
  void rejectsAnUnknownDependency() {
    rejecting("{'steps': [{'id': 'a', 'capability': 'echo', 'dependsOn': ['nope']}]}")
        .hasMessage("step 'a' depends on unknown step 'nope'")
        .satisfies(
            t ->
                org.assertj.core.api.Assertions.assertThat(field(t))
                    .isEqualTo("plan.steps[0].dependsOn"));
  }

  @Test
  void rejectsACycleAndNamesIt() {
    rejecting(
            "{'steps': [{'id': 'a', 'capability': 'echo', 'dependsOn': ['c']},"
                + " {'id': 'b', 'capability': 'echo', 'dependsOn': ['a']},"
                + " {'id': 'c', 'capability': 'echo', 'dependsOn': ['b']}]}")
        .hasMessage("the plan has a dependency cycle: a -> c -> b -> a");
  }

  @Test
  void rejectsASelfDependency() {
    rejecting("{'steps': [{'id': 'a', 'capability': 'echo', 'dependsOn': ['a']}]}")
        .hasMessage("step 'a' depends on itself");
  }

  @Test
  void rejectsAnUnknownCapabilityAndListsTheKnownOnes() {
    rejecting("{'steps': [{'id': 'a', 'capability': 'summarize'}]}")
        .hasMessage("no agent offers capability 'summarize'; known: [echo, shell]")
        .satisfies(
            t ->
                org.assertj.core.api.Assertions.assertThat(field(t))
                    .isEqualTo("plan.steps[0].capability"));
  }

  @Test
  void rejectsAnAgentStepWithoutCapability() {
    rejecting("{'steps': [{'id': 'a'}]}").hasMessage("agent step 'a' needs 'capability'");
  }

  @Test
  void rejectsFieldsThatDoNotFitTheKind() {
    rejecting(
            "{'steps': [{'id': 'a', 'kind': 'transform', 'expression': '1', 'capability': 'echo'}]}")
        .hasMessage("'capability' does not apply to transform step 'a'");
  }

  @Test
  void rejectsAnExpressionThatDoesNotCompile() {
    rejecting("{'steps': [{'id': 'a', 'kind': 'transform', 'expression': '(1 +'}]}")
        .hasMessageStartingWith("invalid JSONata expression");
    rejecting("{'steps': [{'id': 'a', 'kind': 'gate', 'condition': 'x =='}]}")
        .hasMessageStartingWith("invalid CEL condition");
  }

  @Test
  void rejectsKindsThisVersionCannotRun() {
    rejecting("{'steps': [{'id': 'a', 'kind': 'notify', 'url': 'http://localhost'}]}")
        .hasMessage("step kind 'notify' is not supported by this version");
  }

  @Test
  void acceptsTimersSignalsAndSignalsWithATimeout() {
    PlanSpec spec =
        plan(
            "{'deadlineMs': 60000, 'steps': [{'id': 'nap', 'kind': 'wait', 'durationMs': 0},"
                + " {'id': 'ok', 'kind': 'wait', 'signal': 'approve.v1'},"
                + " {'id': 'soon', 'kind': 'wait', 'signal': 'approve', 'durationMs': 5000}]}");
    assertThatCode(() -> validator.validate(spec, capabilities)).doesNotThrowAnyException();
  }

  @Test
  void rejectsAWaitThatWaitsForNothingOrCarriesWhatDoesNotApply() {
    rejecting("{'steps': [{'id': 'w', 'kind': 'wait'}]}")
        .hasMessageContaining("wait step 'w' needs 'durationMs' (a timer), 'signal'");
    rejecting("{'steps': [{'id': 'w', 'kind': 'wait', 'durationMs': -1}]}")
        .hasMessage("must not be negative");
    rejecting("{'steps': [{'id': 'w', 'kind': 'wait', 'signal': 'a b'}]}")
        .hasMessageStartingWith("signal name must be");
    rejecting(
            "{'steps': [{'id': 'w', 'kind': 'wait', 'signal': 's', 'retry': {'maxAttempts': 2}}]}")
        .hasMessage("'retry' does not apply to wait step 'w'");
    rejecting(
            "{'steps': [{'id': 'w', 'kind': 'wait', 'signal': 's',"
                + " 'timeouts': {'heartbeatMs': 5}}]}")
        .hasMessage("'timeouts' does not apply to wait step 'w'");
    rejecting("{'steps': [{'id': 'a', 'capability': 'echo', 'signal': 's'}]}")
        .hasMessage("'signal' does not apply to agent step 'a'");
    rejecting("{'deadlineMs': 0, 'steps': [{'id': 'a', 'capability': 'echo'}]}")
        .hasMessage("must be positive")
        .satisfies(
            t -> org.assertj.core.api.Assertions.assertThat(field(t)).isEqualTo("plan.deadlineMs"));
  }

  @Test
  void rejectsAnInputReferenceToAStepThatIsNotADependency() {
    rejecting(
            "{'steps': [{'id': 'a', 'capability': 'echo'}, {'id': 'b', 'capability': 'echo',"
                + " 'input': '${steps.a.output}'}]}")
        .hasMessage("step 'b' refers to ${steps.a.output}, but 'a' is not among its dependencies");
  }

  @Test
  void rejectsAMalformedPlaceholder() {
    rejecting("{'steps': [{'id': 'a', 'capability': 'echo', 'input': '${secrets.key}'}]}")
        .hasMessageContaining("a placeholder starts with payload, steps or run");
  }

  @Test
  void rejectsOutOfRangeRetrySettings() {
    rejecting("{'steps': [{'id': 'a', 'capability': 'echo', 'retry': {'maxAttempts': 0}}]}")
        .hasMessage("maxAttempts must be 1..100");
    rejecting("{'steps': [{'id': 'a', 'capability': 'echo', 'retry': {'jitter': 2.0}}]}")
        .hasMessage("jitter must be between 0 and 1");
  }

  @Test
  void rejectsTooManySteps() {
    PlanValidator small = new PlanValidator(1, EnumSet.of(StepKind.AGENT));
    PlanSpec spec =
        plan("{'steps': [{'id': 'a', 'capability': 'echo'}, {'id': 'b', 'capability': 'echo'}]}");
    assertThatThrownBy(() -> small.validate(spec, capabilities))
        .hasMessage("the plan has 2 steps; at most 1 are allowed");
  }
}
