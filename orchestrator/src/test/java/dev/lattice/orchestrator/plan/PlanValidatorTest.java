package dev.lattice.orchestrator.plan;

import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.StepKind;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class PlanValidatorTest {
  private static final Duration MAX_DURATION = Duration.ofDays(366);
  private static final long MAX_MS = MAX_DURATION.toMillis();
  static final SubPlanLimits SUB_PLAN = new SubPlanLimits(1000, 8, 4, 5, 20);
  static final ChildRunLimits CHILD = new ChildRunLimits(2, Duration.ofHours(1));

  private final PlanValidator validator =
      new PlanValidator(
          100, EnumSet.complementOf(EnumSet.of(StepKind.NOTIFY)), MAX_DURATION, SUB_PLAN, CHILD);
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
  void acceptsAMapAndALoopWithTheNamesTheirSubPlansSee() {
    validator.validate(
        plan(
            "{'steps': [{'id': 'list', 'kind': 'transform', 'expression': 'payload.items'},"
                + " {'id': 'M', 'kind': 'map', 'input': '${steps.list.output}', 'dependsOn':"
                + " ['list'], 'concurrency': 3, 'onElementFailure': 'collect', 'steps': [{'id':"
                + " 'fetch', 'capability': 'echo', 'input': {'x': '${item.x}', 'i': '${index}',"
                + " 'all': '${steps.list.output}'}}, {'id': 'store', 'capability': 'echo',"
                + " 'dependsOn': ['fetch'], 'input': '${steps.fetch.output}'}]},"
                + " {'id': 'L', 'kind': 'loop', 'until': 'steps.review.output.ok', 'maxIterations':"
                + " 5, 'steps': [{'id': 'review', 'capability': 'echo', 'input': {'n':"
                + " '${iteration}', 'before': '${previous.review.output}'}}]}]}"),
        capabilities);
  }

  @Test
  void rejectsAMapOrLoopWithoutAProperSubPlan() {
    rejecting("{'steps': [{'id': 'M', 'kind': 'map', 'input': '${payload.items}'}]}")
        .hasMessage("map step 'M' needs 'steps', its sub-plan");
    rejecting("{'steps': [{'id': 'M', 'kind': 'map', 'steps': []}]}")
        .hasMessage("the sub-plan of map step 'M' has no steps")
        .satisfies(t -> assertThat(field(t)).isEqualTo("plan.steps[0].steps"));
    rejecting(
            "{'steps': [{'id': 'M', 'kind': 'map', 'steps': [{'id': 'a', 'capability': 'echo',"
                + " 'dependsOn': ['b']}, {'id': 'b', 'capability': 'echo', 'dependsOn': ['a']}]}]}")
        .hasMessageContaining("the sub-plan of map step 'M' has a dependency cycle")
        .satisfies(t -> assertThat(field(t)).startsWith("plan.steps[0].steps["));
    rejecting(
            "{'steps': [{'id': 'L', 'kind': 'loop', 'until': 'true', 'steps': [{'id': 'M', 'kind':"
                + " 'map', 'steps': [{'id': 'a', 'capability': 'echo'}]}]}]}")
        .hasMessageContaining("may not be part of a map's or a loop's sub-plan");
    rejecting(
            "{'steps': [{'id': 'L', 'kind': 'loop', 'steps': [{'id': 'a', 'capability': 'echo'}]}]}")
        .hasMessage("loop step 'L' needs 'until'");
    rejecting(
            "{'steps': [{'id': 'L', 'kind': 'loop', 'until': 'steps.a.output ==', 'steps': [{'id':"
                + " 'a', 'capability': 'echo'}]}]}")
        .satisfies(t -> assertThat(field(t)).isEqualTo("plan.steps[0].until"));
  }

  @Test
  void rejectsBoundsPastTheConfiguredLimits() {
    rejecting(
            "{'steps': [{'id': 'M', 'kind': 'map', 'concurrency': 9, 'steps': [{'id': 'a',"
                + " 'capability': 'echo'}]}]}")
        .hasMessage("must be 1..8 (lattice.run.sub-plan.max-concurrency); got 9");
    rejecting(
            "{'steps': [{'id': 'L', 'kind': 'loop', 'until': 'true', 'maxIterations': 6, 'steps':"
                + " [{'id': 'a', 'capability': 'echo'}]}]}")
        .hasMessageContaining("must be 1..5");
    rejecting(
            "{'steps': [{'id': 'L', 'kind': 'loop', 'until': 'true', 'steps': [{'id': 'a',"
                + " 'capability': 'echo'}, {'id': 'b', 'capability': 'echo'}, {'id': 'c',"
                + " 'capability': 'echo'}, {'id': 'd', 'capability': 'echo'}, {'id': 'e',"
                + " 'capability': 'echo'}]}]}")
        .hasMessageContaining("may add 25 steps (5 iterations of 5); at most 20")
        .satisfies(t -> assertThat(field(t)).isEqualTo("plan.steps[0].maxIterations"));
    rejecting("{'steps': [{'id': 'a', 'capability': 'echo', 'maxIterations': 2}]}")
        .hasMessage("'maxIterations' does not apply to agent step 'a'");
  }

  @Test
  void rejectsNamesOutsideTheSubPlanThatHasThem() {
    rejecting("{'steps': [{'id': 'a', 'capability': 'echo', 'input': '${item}'}]}")
        .hasMessageContaining("only a map's sub-plan has item");
    rejecting(
            "{'steps': [{'id': 'M', 'kind': 'map', 'steps': [{'id': 'a', 'capability': 'echo',"
                + " 'input': '${iteration}'}]}]}")
        .hasMessageContaining("only a loop's sub-plan has iteration")
        .satisfies(t -> assertThat(field(t)).isEqualTo("plan.steps[0].steps[0].input"));
    rejecting(
            "{'steps': [{'id': 'L', 'kind': 'loop', 'until': 'true', 'steps': [{'id': 'a',"
                + " 'capability': 'echo', 'input': '${previous.b.output}'}]}]}")
        .hasMessageContaining("the loop's sub-plan has no step 'b'");
    rejecting(
            "{'steps': [{'id': 'x', 'capability': 'echo'}, {'id': 'M', 'kind': 'map', 'steps':"
                + " [{'id': 'a', 'capability': 'echo', 'input': '${steps.x.output}'}]}]}")
        .hasMessageContaining("'x' is not among its dependencies");
  }

  @Test
  void rejectsADuplicateStepId() {
    rejecting("{'steps': [{'id': 'a', 'capability': 'echo'}, {'id': 'a', 'capability': 'echo'}]}")
        .hasMessageContaining("duplicate step id 'a'")
        .satisfies(t -> assertThat(field(t)).isEqualTo("plan.steps[1].id"));
  }

  @Test
  void rejectsAMalformedStepId() {
    rejecting("{'steps': [{'id': 'a b', 'capability': 'echo'}]}").hasMessageContaining("step id");
  }

  @Test
  void rejectsAnUnknownDependency() {
    rejecting("{'steps': [{'id': 'a', 'capability': 'echo', 'dependsOn': ['nope']}]}")
        .hasMessage("step 'a' depends on unknown step 'nope'")
        .satisfies(t -> assertThat(field(t)).isEqualTo("plan.steps[0].dependsOn"));
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
        .satisfies(t -> assertThat(field(t)).isEqualTo("plan.steps[0].capability"));
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
        .satisfies(t -> assertThat(field(t)).isEqualTo("plan.deadlineMs"));
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
        .hasMessageContaining("a placeholder starts with payload, steps, state or run");
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
    PlanValidator small =
        new PlanValidator(1, EnumSet.of(StepKind.AGENT), MAX_DURATION, SUB_PLAN, CHILD);
    PlanSpec spec =
        plan("{'steps': [{'id': 'a', 'capability': 'echo'}, {'id': 'b', 'capability': 'echo'}]}");
    assertThatThrownBy(() -> small.validate(spec, capabilities))
        .hasMessage("the plan has 2 steps; at most 1 are allowed");
  }

  /**
   * Every duration a plan may state, as a plan with {@code V} in its place, and the field a refusal
   * must name.
   */
  private static final List<String[]> DURATIONS =
      List.of(
          new String[] {
            "{'steps': [{'id': 'w', 'kind': 'wait', 'durationMs': V}]}", "plan.steps[0].durationMs"
          },
          new String[] {
            "{'steps': [{'id': 'w', 'kind': 'wait', 'signal': 'ok', 'durationMs': V}]}",
            "plan.steps[0].durationMs"
          },
          new String[] {
            "{'deadlineMs': V, 'steps': [{'id': 'a', 'capability': 'echo'}]}", "plan.deadlineMs"
          },
          new String[] {
            "{'steps': [{'id': 'a', 'capability': 'echo', 'timeouts': {'scheduleToStartMs': V}}]}",
            "plan.steps[0].timeouts.scheduleToStartMs"
          },
          new String[] {
            "{'steps': [{'id': 'a', 'capability': 'echo', 'timeouts': {'startToCloseMs': V}}]}",
            "plan.steps[0].timeouts.startToCloseMs"
          },
          new String[] {
            "{'steps': [{'id': 'a', 'capability': 'echo', 'timeouts': {'heartbeatMs': V}}]}",
            "plan.steps[0].timeouts.heartbeatMs"
          },
          new String[] {
            "{'steps': [{'id': 'a', 'capability': 'echo', 'retry': {'initialBackoffMs': V}}]}",
            "plan.steps[0].retry.initialBackoffMs"
          },
          new String[] {
            "{'steps': [{'id': 'a', 'capability': 'echo', 'retry': {'maxBackoffMs': V}}]}",
            "plan.steps[0].retry.maxBackoffMs"
          },
          new String[] {
            "{'retry': {'initialBackoffMs': V}, 'steps': [{'id': 'a', 'capability': 'echo'}]}",
            "plan.retry.initialBackoffMs"
          },
          new String[] {
            "{'retry': {'maxBackoffMs': V}, 'steps': [{'id': 'a', 'capability': 'echo'}]}",
            "plan.retry.maxBackoffMs"
          });

  @Test
  void acceptsEveryDurationUpToTheMaximum() {
    for (String[] duration : DURATIONS) {
      PlanSpec spec = plan(duration[0].replace("V", String.valueOf(MAX_MS)));
      assertThatCode(() -> validator.validate(spec, capabilities))
          .as(duration[1])
          .doesNotThrowAnyException();
    }
  }

  @Test
  void refusesEveryDurationBeyondTheMaximumNamingTheFieldAndTheLimit() {
    for (String[] duration : DURATIONS) {
      for (long beyond : new long[] {MAX_MS + 1, Long.MAX_VALUE}) {
        rejecting(duration[0].replace("V", String.valueOf(beyond)))
            .hasMessage(
                "must be at most 31622400000 ms (366 days), the longest duration a plan may"
                    + " state; got "
                    + beyond
                    + " ms")
            .satisfies(t -> assertThat(field(t)).isEqualTo(duration[1]));
      }
    }
  }

  @Test
  void refusesEveryNegativeDuration() {
    for (String[] duration : DURATIONS) {
      rejecting(duration[0].replace("V", "-1"))
          .satisfies(t -> assertThat(field(t)).isEqualTo(duration[1]))
          .satisfies(
              t -> assertThat(t.getMessage()).isIn("must not be negative", "must be positive"));
      rejecting(duration[0].replace("V", String.valueOf(Long.MIN_VALUE)))
          .satisfies(t -> assertThat(field(t)).isEqualTo(duration[1]));
    }
  }
}
