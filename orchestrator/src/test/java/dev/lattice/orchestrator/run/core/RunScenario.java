package dev.lattice.orchestrator.run.core;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunSpec;
import dev.lattice.protocol.run.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One run driven through the pure decision logic with explicit times: what the entity would
 * persist, applied to a state and kept as a journal, so a test can check that a replay rebuilds the
 * state.
 */
public final class RunScenario {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final AgentId AGENT = AgentId.of("local.echo");
  static final Duration GRACE = RunProgressTest.SETTINGS.agentLostGrace();

  final RunProgress progress;
  final RunInterventions interventions;
  final DueDeadlines deadlines;
  final List<RunChange> journal = new ArrayList<>();
  RunState state = RunState.empty(RunId.of("run-1"));

  RunScenario() {
    this(new RunProgress(RunProgressTest.SETTINGS));
  }

  /** A scenario deciding with {@code progress}. */
  RunScenario(RunProgress progress) {
    this.progress = progress;
    this.interventions = new RunInterventions(progress);
    this.deadlines = new DueDeadlines(progress);
  }

  /**
   * What a run entity is started with to run {@code plan}: a validated plan in the default tenant.
   */
  public static RunSpec spec(PlanSpec plan, JsonNode payload, String idempotencyKey) {
    return new RunSpec(TenantId.DEFAULT, ExecutionMode.AUTO, "plan", plan, payload, idempotencyKey);
  }

  /** Starts the run at {@link #T0}. */
  RunScenario start(String planJson) {
    return start(planJson, "{}");
  }

  RunScenario start(String planJson, String payloadJson) {
    RunSpec spec =
        new RunSpec(
            TenantId.DEFAULT, ExecutionMode.AUTO, "plan", plan(planJson), json(payloadJson), null);
    apply(progress.start(state, spec, T0));
    return this;
  }

  /** Starts the run of {@code spec} at {@link #T0}. */
  RunScenario start(RunSpec spec) {
    apply(progress.start(state, spec, T0));
    return this;
  }

  /** Applies what a decision wrote; its events. */
  List<RunChange> apply(Decided decided) {
    return apply(decided.events());
  }

  List<RunChange> apply(List<RunChange> events) {
    for (RunChange event : events) {
      state = state.apply(event);
      journal.add(event);
    }
    return events;
  }

  /** The latest attempt of {@code stepId} ends with {@code outcome} at {@code now}. */
  List<RunChange> result(String stepId, StepOutcome outcome, Instant now) {
    int attempt = state.step(stepId).attempt();
    AssignmentResult result =
        new AssignmentResult(
            state.runId(),
            stepId,
            attempt,
            state.runId() + "/" + stepId + "/" + attempt,
            AGENT,
            outcome);
    return apply(progress.resulted(state, result, null, now, () -> 0.5));
  }

  /** An agent took the latest attempt of {@code stepId} at {@code now}. */
  List<RunChange> started(String stepId, Instant now) {
    return apply(progress.started(state, stepId, state.step(stepId).attempt(), AGENT, now));
  }

  /** The deadline of {@code kind} the state implies for {@code stepId} (null: the run's). */
  RunDeadline deadline(RunDeadline.Kind kind, String stepId) {
    return RunDeadlines.of(state, progress, GRACE).stream()
        .filter(d -> d.kind() == kind)
        .filter(d -> stepId == null ? d.stepId() == null : stepId.equals(d.stepId()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " deadline for " + stepId));
  }

  /** Whether the state implies any deadline of {@code kind}. */
  boolean has(RunDeadline.Kind kind) {
    return RunDeadlines.of(state, progress, GRACE).stream().anyMatch(d -> d.kind() == kind);
  }

  /** {@code deadline} fires at {@code now}. */
  List<RunChange> fire(RunDeadline deadline, Instant now) {
    return apply(deadlines.due(state, deadline, now, () -> 0.5));
  }

  StepStatus status(String stepId) {
    return state.step(stepId).status();
  }

  /** Replaying the journal from scratch rebuilds exactly the live state. */
  void assertReplayMatches() {
    RunState replayed = RunState.empty(state.runId());
    for (RunChange event : journal) {
      replayed = replayed.apply(event);
    }
    assertThat(replayed).isEqualTo(state);
  }
}
