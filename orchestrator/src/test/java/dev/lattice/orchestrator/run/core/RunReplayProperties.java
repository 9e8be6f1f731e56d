package dev.lattice.orchestrator.run.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.api.OverrideRequest;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.RetryPolicy;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.plan.StepTimeouts;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunSpec;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
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
 * For random valid plans (agent steps with and without time limits, waits for timers and signals,
 * with and without a run deadline) and random sequences of what can happen to a run (successes,
 * retryable and fatal failures, stale and repeated results, starts, deadlines falling due, missed
 * heartbeats, signals, overrides, pause, resume, cancel), replaying a run's events as the journal
 * stores them rebuilds exactly the state the run decided with, the events keep the run's invariants
 * (no step succeeds twice, nothing follows the terminal event), and every decision names exactly
 * the steps its events newly dispatched.
 */
class RunReplayProperties {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final RunId RUN = RunId.of("run-1");
  private static final AgentId AGENT = AgentId.of("local.echo");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final int MAX_STEPS = 8;
  private static final int MAX_DEPENDENCIES = 3;

  private final RunProgress progress = new RunProgress(RunProgressTest.SETTINGS);
  private final RunInterventions interventions = new RunInterventions(progress);
  private final DueDeadlines dueDeadlines = new DueDeadlines(progress);

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
    DUE,
    HEARTBEAT_MISSED,
    SIGNAL,
    OVERRIDE,
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
                        Arbitraries.integers().between(1, 3).list().ofSize(size),
                        Arbitraries.integers().between(0, 5).list().ofSize(size),
                        Arbitraries.of(true, false))
                    .as(
                        (seeds, attempts, kinds, deadline) ->
                            plan(size, seeds, attempts, kinds)
                                .withDeadline(deadline ? 500L : null)));
  }

  /**
   * Step i depends on up to three earlier steps, chosen by its seed: always a DAG. Its kind: mostly
   * agent steps (some with time limits), some waits for a timer, for a signal, or for a signal with
   * a timeout.
   */
  private static PlanSpec plan(
      int size, List<Integer> seeds, List<Integer> attempts, List<Integer> kinds) {
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
      String[] deps = dependsOn.toArray(String[]::new);
      RetryPolicy retry = new RetryPolicy(attempts.get(i), 10L, 100L, 2.0, 0.0, List.of());
      StepSpec agent = StepSpec.agent("s" + i, "echo", null, deps).withRetry(retry);
      steps.add(
          switch (kinds.get(i)) {
            case 0 -> agent.withTimeouts(new StepTimeouts(20L, 50L, 30L));
            case 1 -> StepSpec.waitFor("s" + i, 40L, null, deps);
            case 2 -> StepSpec.waitFor("s" + i, null, "go", deps);
            case 3 -> StepSpec.waitFor("s" + i, 60L, "go", deps);
            default -> agent;
          });
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
    RunState live = RunState.empty(RUN);
    live = recordAndCheck(live, progress.start(live, spec, T0), journal);
    Instant now = T0;
    for (Action action : actions) {
      now = now.plusMillis(7);
      StepSpec step = plan.steps().get(action.step() % plan.steps().size());
      live = recordAndCheck(live, decide(live, step.id(), action.kind(), now), journal);
    }

    RunState replayed = RunState.empty(RUN);
    for (RunChange event : journal) {
      replayed = replayed.apply(roundTrip(event));
    }
    assertThat(replayed).isEqualTo(live);

    Set<String> succeeded = new HashSet<>();
    for (RunChange event : journal) {
      boolean completesStep =
          event instanceof RunChange.StepSucceeded
              || event instanceof RunChange.StepSignalled
              || event instanceof RunChange.StepOverridden;
      if (completesStep) {
        assertThat(succeeded.add(event.stepId())).as("%s succeeds once", event.stepId()).isTrue();
      }
    }
    for (int i = 0; i < journal.size() - 1; i++) {
      assertThat(isTerminal(journal.get(i))).as("nothing follows the terminal event").isFalse();
    }
  }

  private Decided decide(RunState state, String stepId, Kind kind, Instant now) {
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
      case DUE -> due(state, stepId, now);
      case HEARTBEAT_MISSED ->
          dueDeadlines.due(
              state,
              new RunDeadline(RunDeadline.Kind.HEARTBEAT, stepId, attempt, now),
              now,
              () -> 0.5);
      case SIGNAL ->
          refusable(
              () ->
                  interventions.signal(
                      state, "go", new SignalRequest(stepId, output(stepId), "prop", null), now));
      case OVERRIDE ->
          refusable(
              () ->
                  interventions.override(
                      state, stepId, new OverrideRequest(output(stepId), "prop", null), now));
      case PAUSE -> intervene(state, InterventionType.PAUSE, now);
      case RESUME -> intervene(state, InterventionType.RESUME, now);
      case CANCEL -> intervene(state, InterventionType.CANCEL, now);
    };
  }

  /**
   * The step's deadline (or the run's) as it fires when its time comes; a deadline not yet due
   * fires at its time, which moves the clock there.
   */
  private Decided due(RunState state, String stepId, Instant now) {
    List<RunDeadline> deadlines = RunDeadlines.of(state, progress, Duration.ofMillis(5));
    RunDeadline chosen =
        deadlines.stream()
            .filter(d -> stepId.equals(d.stepId()))
            .findFirst()
            // The first step's turn, when it has no deadline of its own, is the run's.
            .or(
                () ->
                    deadlines.stream()
                        .filter(d -> d.stepId() == null && stepId.equals("s0"))
                        .findFirst())
            .orElse(null);
    if (chosen == null) {
      return Decided.NOTHING;
    }
    return dueDeadlines.due(state, chosen, chosen.at().isAfter(now) ? chosen.at() : now, () -> 0.5);
  }

  /** An intervention's events; none where the lifecycle refuses it (which changes nothing). */
  private Decided intervene(RunState state, InterventionType type, Instant now) {
    return refusable(
        () -> interventions.lifecycle(state, type, new Intervention("prop", "random"), now));
  }

  private static Decided refusable(Supplier<Decided> decide) {
    try {
      return decide.get();
    } catch (IllegalTransitionException refused) {
      return Decided.NOTHING;
    }
  }

  private Decided resulted(
      RunState state, String stepId, int attempt, StepOutcome outcome, Instant now) {
    AssignmentResult result =
        new AssignmentResult(
            RUN, stepId, attempt, RUN + "/" + stepId + "/" + attempt, AGENT, outcome);
    return progress.resulted(state, result, now.minusMillis(3), now, () -> 0.5);
  }

  /**
   * Applies a decision's events and checks the steps it says to send: exactly those its events
   * dispatched and left dispatched, in a running run, in plan order.
   */
  private static RunState recordAndCheck(RunState state, Decided decided, List<RunChange> journal) {
    RunState next = state;
    for (RunChange event : decided.events()) {
      next = next.apply(event);
      journal.add(event);
    }
    assertThat(decided.dispatched())
        .as("the steps to send after %s", decided.events())
        .isEqualTo(newlyDispatched(state, next));
    return next;
  }

  private static List<String> newlyDispatched(RunState before, RunState after) {
    List<String> dispatched = new ArrayList<>();
    if (after.status() != RunStatus.RUNNING) {
      return dispatched;
    }
    for (StepState step : after.stepStates()) {
      StepState previous = before.exists() ? before.step(step.id()) : null;
      boolean wasOut =
          previous != null
              && previous.status() == StepStatus.DISPATCHED
              && previous.attempt() == step.attempt();
      if (step.status() == StepStatus.DISPATCHED && !wasOut) {
        dispatched.add(step.id());
      }
    }
    return dispatched;
  }

  private static JsonNode output(String stepId) {
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
