package dev.lattice.orchestrator.run.core;

import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.ids.BusKey;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.run.ParentRun;
import java.time.Duration;
import java.util.List;

/**
 * What an agent step is sent: the assignment of its latest attempt, how long that attempt may run,
 * and the dispatcher (bus key) it goes to. Pure: the same state gives the same assignment, so a
 * re-sent attempt is the one sent first.
 */
public final class StepAssignments {
  /** The bus key's service of every agent step. */
  public static final String SERVICE = "agent";

  private final RunSettings settings;
  private final RunBudget budget;

  StepAssignments(RunSettings settings, RunBudget budget) {
    this.settings = settings;
    this.budget = budget;
  }

  /** The assignment for the latest attempt of an agent step that is dispatched or running. */
  public Assignment assignment(RunState state, String stepId) {
    StepState step = state.step(stepId);
    StepSpec spec = state.spec(stepId);
    long ttl = ttl(spec).toMillis();
    return new Assignment(
        state.runId(),
        stepId,
        step.attempt(),
        null,
        spec.capability(),
        spec.model(),
        budget.envelope(state, spec),
        ttl,
        StepInput.resolve(state, spec),
        state.tenant(),
        spec.timeouts() == null ? null : spec.timeouts().heartbeatMs(),
        state.spec().priorityOrDefault(),
        List.of(),
        spec.partOf(),
        state.spec().trace() == null ? null : state.spec().trace().traceparent());
  }

  /**
   * How long an attempt of an agent step may run, or a run step's child run: its start-to-close
   * timeout, or the default.
   */
  public Duration ttl(StepSpec spec) {
    if (spec.timeouts() != null && spec.timeouts().startToCloseMs() != null) {
      return Duration.ofMillis(spec.timeouts().startToCloseMs());
    }
    return spec.kind() == StepKind.RUN ? settings.child().defaultTimeout() : settings.defaultTtl();
  }

  /** What the latest attempt of a run step that is dispatched or running asks for. */
  public ChildStart child(RunState state, String stepId) {
    StepState step = state.step(stepId);
    StepSpec spec = state.spec(stepId);
    return new ChildStart(
        new ParentRun(state.runId(), stepId, step.attempt(), state.spec().depth() + 1),
        state.tenant(),
        spec.intent(),
        spec.goal(),
        spec.plan(),
        StepInput.resolve(state, spec),
        budget.envelope(state, spec),
        ttl(spec).toMillis(),
        state.spec().priorityOrDefault(),
        state.spec().trace());
  }

  /** The dispatcher an agent step of this run goes to. */
  public BusKey busKey(RunState state, StepSpec spec) {
    int shard = Math.floorMod(state.runId().value().hashCode(), settings.dispatcherShards());
    return new BusKey(SERVICE, spec.capability(), shard, state.tenant());
  }
}
