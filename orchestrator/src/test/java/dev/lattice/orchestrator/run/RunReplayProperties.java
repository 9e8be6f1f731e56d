package dev.lattice.orchestrator.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.RetryPolicy;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunSpec;
import dev.lattice.protocol.run.StepStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;

/**
 * For random valid plans and random sequences of results (successes, retryable and fatal failures,
 * stale and repeated results, starts, retry timers), replaying a run's events as the journal stores
 * them rebuilds exactly the state the run decided with, and the events keep the run's invariants:
 * no step succeeds twice, nothing follows the terminal event.
 */
class RunReplayProperties {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final RunId RUN = RunId.of("run-1");
  private static final AgentId AGENT = AgentId.of("local.echo");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final int MAX_STEPS = 8;
  private static final int MAX_DEPENDENCIES = 3;

  private final RunProgress progress = new RunProgress(RunProgressTest.SETTINGS);

  @AfterContainer
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** What happens next to a run, aimed at one of its steps. */
  enum Kind {
    SUCCEED,
    FAIL_RETRYABLE,
    FAIL_FATAL,
    STALE_RESULT,
    STARTED,
    RETRY_DUE,
    PAUSE,
    RESUME,
    CANCEL
  }

  record Action(Kind kind, int step) {}

  @Provide
  Arbitrary<PlanSpec> plans() {
    return Arbitraries.integers()
        .between(1, MAX_STEPS)
        .flatMap(
            size ->
                Combinators.combine(
                        Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofSize(size),
                        Arbitraries.integers().between(1, 3).list().ofSize(size))
                    .as((seeds, attempts) -> plan(size, seeds, attempts)));
  }

  /** Step i depends on up to three earlier steps, chosen by its seed: always a DAG. */
  private static PlanSpec plan(int size, List<Integer> seeds, List<Integer> attempts) {
    List<StepSpec> steps = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      List<String> dependsOn = new ArrayList<>();
      int seed = seeds.get(i);
      for (int d = 0; d < Math.min(i, MAX_DEPENDENCIES); d++) {
        int candidate = Math.floorMod(seed >> (d * 8), i);
        if (!dependsOn.contains("s" + candidate)) {
          dependsOn.add("s" + candidate);
        }
      }
      StepSpec step = StepSpec.agent("s" + i, "echo", null, dependsOn.toArray(String[]::new));
      RetryPolicy retry = new RetryPolicy(attempts.get(i), 10L, 100L, 2.0, 0.0, List.of());
      steps.add(step.withRetry(retry));
    }
    return new PlanSpec(steps, null);
  }

  @Provide
  Arbitrary<List<Action>> actions() {
    return Combinators.combine(
            Arbitraries.of(Kind.class), Arbitraries.integers().between(0, MAX_STEPS - 1))
        .as(Action::new)
        .list()
        .ofMaxSize(60);
  }

  @Property(tries = 200)
  void replayingTheStoredEventsRebuildsTheLiveState(
      @ForAll("plans") PlanSpec plan, @ForAll("actions") List<Action> actions) throws Exception {
    RunSpec spec =
        new RunSpec(
            TenantId.DEFAULT,
            ExecutionMode.AUTO,
            "plan",
            plan,
            JsonNodeFactory.instance.objectNode().put("n", 1),
            null);
    List<RunChange> journal = new ArrayList<>();
    RunState live =
        record(RunState.empty(RUN), progress.start(RunState.empty(RUN), spec, T0), journal);
    Instant now = T0;
    for (Action action : actions) {
      now = now.plusMillis(7);
      StepSpec step = plan.steps().get(action.step() % plan.steps().size());
      live = record(live, decide(live, step.id(), action.kind(), now), journal);
    }

    RunState replayed = RunState.empty(RUN);
    for (RunChange event : journal) {
      replayed = replayed.apply(roundTrip(event));
    }
    assertThat(replayed).isEqualTo(live);

    Set<String> succeeded = new HashSet<>();
    for (RunChange event : journal) {
      if (event instanceof RunChange.StepSucceeded ok) {
        assertThat(succeeded.add(ok.stepId())).as("%s succeeds once", ok.stepId()).isTrue();
      }
    }
    for (int i = 0; i < journal.size() - 1; i++) {
      assertThat(isTerminal(journal.get(i))).as("nothing follows the terminal event").isFalse();
    }
  }

  private List<RunChange> decide(RunState state, String stepId, Kind kind, Instant now) {
    int attempt = state.step(stepId).attempt();
    return switch (kind) {
      case SUCCEED ->
          resulted(state, stepId, attempt, StepOutcome.succeeded(output(stepId), null), now);
      case FAIL_RETRYABLE ->
          resulted(
              state,
              stepId,
              attempt,
              StepOutcome.failed(ErrorClass.AGENT_ERROR, "flaky", null),
              now);
      case FAIL_FATAL ->
          resulted(
              state, stepId, attempt, StepOutcome.failed(ErrorClass.AUTH, "denied", null), now);
      case STALE_RESULT ->
          resulted(state, stepId, attempt - 1, StepOutcome.succeeded(output(stepId), null), now);
      case STARTED -> progress.started(state, stepId, attempt, AGENT, now);
      case PAUSE -> intervene(state, InterventionType.PAUSE, now);
      case RESUME -> intervene(state, InterventionType.RESUME, now);
      case CANCEL -> intervene(state, InterventionType.CANCEL, now);
      case RETRY_DUE ->
          state.step(stepId).status() == StepStatus.RETRY_WAIT
              ? progress.retryDue(state, stepId, attempt + 1, now)
              : List.of();
    };
  }

  /** An intervention's events; none where the lifecycle refuses it (which changes nothing). */
  private List<RunChange> intervene(RunState state, InterventionType type, Instant now) {
    try {
      return progress.intervene(state, type, new Intervention("prop", "random"), now);
    } catch (IllegalTransitionException refused) {
      return List.of();
    }
  }

  private List<RunChange> resulted(
      RunState state, String stepId, int attempt, StepOutcome outcome, Instant now) {
    AssignmentResult result =
        new AssignmentResult(
            RUN, stepId, attempt, RUN + "/" + stepId + "/" + attempt, AGENT, outcome);
    return progress.resulted(state, result, now.minusMillis(3), now, () -> 0.5);
  }

  private static RunState record(RunState state, List<RunChange> events, List<RunChange> journal) {
    RunState next = state;
    for (RunChange event : events) {
      next = next.apply(event);
      journal.add(event);
    }
    return next;
  }

  private static com.fasterxml.jackson.databind.JsonNode output(String stepId) {
    return JsonNodeFactory.instance.objectNode().put("step", stepId).put("ratio", 0.25);
  }

  private static boolean isTerminal(RunChange event) {
    return event instanceof RunChange.RunCompleted
        || event instanceof RunChange.RunFailed
        || event instanceof RunChange.RunCancelled;
  }

  /** The event as the journal gives it back: serialized and read again by Pekko. */
  private static RunChange roundTrip(RunChange event) throws Exception {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    byte[] bytes = serialization.serialize(event).get();
    int id = serialization.findSerializerFor(event).identifier();
    String manifest = Serializers.manifestFor(serialization.findSerializerFor(event), event);
    return (RunChange) serialization.deserialize(bytes, id, manifest).get();
  }
}
