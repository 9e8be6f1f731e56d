package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.run.ParentRun;
import dev.lattice.protocol.run.RunCause;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunSpec;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StateEntry;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.protocol.run.StepView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;

/**
 * The state of one run, rebuilt from its events: the spec, every step's state, usage and status.
 * Immutable; {@link #apply} is the pure event handler and checks every transition against the run
 * and step lifecycles.
 *
 * <p>One rule is applied here rather than recorded: while the run is running, an agent step whose
 * dependencies have all succeeded (and were not skipped by a gate) is dispatched, attempt 1, as
 * part of the event that settled the last of them. It is a pure function of the state, so replay
 * reproduces it exactly, and it saves a journal row per step.
 */
// Only the @JsonProperty accessors form the serialized state, not the persistent collections;
// nulls are left out so that they come back as nulls, not as JSON null nodes.
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonAutoDetect(
    fieldVisibility = JsonAutoDetect.Visibility.NONE,
    getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class RunState implements CborSerializable {
  private final RunId runId;
  private final RunSpec spec;
  private final RunStatus status;
  private final PMap<String, StepState> steps;
  private final Usage usage;
  private final JsonNode output;
  private final RunCause cause;
  private final Instant startedAt;
  private final Instant updatedAt;
  private final RunVariables variables;

  private RunState(
      RunId runId,
      RunSpec spec,
      RunStatus status,
      PMap<String, StepState> steps,
      Usage usage,
      JsonNode output,
      RunCause cause,
      Instant startedAt,
      Instant updatedAt,
      RunVariables variables) {
    this.runId = runId;
    this.spec = spec;
    this.status = status;
    this.steps = steps;
    this.usage = usage;
    this.output = output;
    this.cause = cause;
    this.startedAt = startedAt;
    this.updatedAt = updatedAt;
    this.variables = variables;
  }

  /** The state of a run that has no events yet. */
  public static RunState empty(RunId runId) {
    return new RunState(
        runId,
        null,
        null,
        HashTreePMap.empty(),
        Usage.NONE,
        null,
        null,
        null,
        null,
        RunVariables.EMPTY);
  }

  /** Rebuilds a state from its serialized form (a snapshot). */
  @JsonCreator
  static RunState fromJson(
      @JsonProperty("runId") RunId runId,
      @JsonProperty("spec") RunSpec spec,
      @JsonProperty("status") RunStatus status,
      @JsonProperty("steps") List<StepState> steps,
      @JsonProperty("usage") Usage usage,
      @JsonProperty("output") JsonNode output,
      @JsonProperty("cause") RunCause cause,
      @JsonProperty("startedAt") Instant startedAt,
      @JsonProperty("updatedAt") Instant updatedAt,
      @JsonProperty("variables") List<StateEntry> variables) {
    PMap<String, StepState> byId = HashTreePMap.empty();
    for (StepState step : steps) {
      byId = byId.plus(step.id(), step);
    }
    return new RunState(
        runId,
        spec,
        status,
        byId,
        usage,
        output,
        cause,
        startedAt,
        updatedAt,
        variables == null ? RunVariables.EMPTY : RunVariables.of(variables));
  }

  @JsonProperty("runId")
  public RunId runId() {
    return runId;
  }

  @JsonProperty("spec")
  public RunSpec spec() {
    return spec;
  }

  @JsonProperty("status")
  public RunStatus status() {
    return status;
  }

  /** Every step's state, in plan order. */
  @JsonProperty("steps")
  public List<StepState> stepStates() {
    return spec == null ? List.of() : plan().steps().stream().map(s -> steps.get(s.id())).toList();
  }

  @JsonProperty("usage")
  public Usage usage() {
    return usage;
  }

  @JsonProperty("output")
  public JsonNode output() {
    return output;
  }

  @JsonProperty("cause")
  public RunCause cause() {
    return cause;
  }

  @JsonProperty("startedAt")
  public Instant startedAt() {
    return startedAt;
  }

  @JsonProperty("updatedAt")
  public Instant updatedAt() {
    return updatedAt;
  }

  /** The run's shared state, every key as its latest write left it. */
  @JsonProperty("variables")
  public List<StateEntry> variables() {
    return variables.entries();
  }

  /** The shared state step {@code reader} sees now (the latest event's time). */
  ObjectNode variablesFor(String reader) {
    return variables.visibleTo(reader, updatedAt);
  }

  /** Whether the run has any event. */
  public boolean exists() {
    return status != null;
  }

  public boolean terminal() {
    return status != null && status.terminal();
  }

  public PlanSpec plan() {
    return spec.plan();
  }

  public TenantId tenant() {
    return spec.tenant();
  }

  public JsonNode payload() {
    return spec.payload();
  }

  public StepState step(String stepId) {
    return steps.get(stepId);
  }

  public StepSpec spec(String stepId) {
    return plan().step(stepId);
  }

  /** The state after {@code change}; throws if the change breaks a lifecycle. */
  public RunState apply(RunChange change) {
    if (change instanceof RunChange.RunStarted e) {
      return started(e).dispatchReady(e.at());
    } else if (change instanceof RunChange.StepDispatched e) {
      return withStep(e.stepId(), s -> s.dispatched(e.attempt(), e.at()), e.at());
    } else if (change instanceof RunChange.StepStarted e) {
      return withStep(e.stepId(), s -> s.started(e.agentId(), e.at()), e.at());
    } else if (change instanceof RunChange.StepSucceeded e) {
      return withStep(
              e.stepId(),
              s ->
                  s.succeeded(
                      e.attempt(), e.agentId(), e.startedAt(), e.output(), e.usage(), e.at()),
              e.at())
          .withUsage(e.usage())
          .dispatchReady(e.at());
    } else if (change instanceof RunChange.StepFailed e) {
      return withStep(
              e.stepId(),
              s -> s.failed(e.attempt(), e.agentId(), e.startedAt(), e.error(), e.usage(), e.at()),
              e.at())
          .withUsage(e.usage());
    } else if (change instanceof RunChange.StepRetryScheduled e) {
      return withStep(e.stepId(), s -> s.retryScheduled(e.dueAt(), e.at()), e.at());
    } else if (change instanceof RunChange.StepSkipped e) {
      return withStep(e.stepId(), s -> s.skipped(e.at()), e.at());
    } else if (change instanceof RunChange.StepWaiting e) {
      return withStep(e.stepId(), s -> s.waiting(e.until(), e.at()), e.at());
    } else if (change instanceof RunChange.StepSignalled e) {
      return withStep(e.stepId(), s -> s.completed(e.output(), e.at()), e.at())
          .dispatchReady(e.at());
    } else if (change instanceof RunChange.StepOverridden e) {
      return withStep(e.stepId(), s -> s.completed(e.output(), e.at()), e.at())
          .dispatchReady(e.at());
    } else if (change instanceof RunChange.ToolTurnStarted e) {
      return toolTurnStarted(e);
    } else if (change instanceof RunChange.ToolCallsRequested e) {
      List<StepSpec> calls = new ArrayList<>(e.calls().size());
      for (int i = 0; i < e.calls().size(); i++) {
        calls.add(ToolLoops.callStep(e.stepId(), e.turn(), i + 1, e.calls().get(i)));
      }
      return withSteps(calls, e.at()).dispatchReady(e.at());
    } else if (change instanceof RunChange.PlannerAsked e) {
      return plannerAsked(e);
    } else if (change instanceof RunChange.StateWritten e) {
      return new RunState(
          runId,
          spec,
          status,
          steps,
          usage,
          output,
          cause,
          startedAt,
          e.at(),
          variables.written(e.entry()));
    } else if (change instanceof RunChange.ReplanStarted e) {
      return withSteps(List.of(Planning.replanStep(this, e)), e.at());
    } else if (change instanceof RunChange.PlanProposed e) {
      return withStep(e.stepId(), s -> s.waiting(null, e.at()), e.at());
    } else if (change instanceof RunChange.PlanAdopted e) {
      return Planning.runsAdopted(this)
          ? withSteps(e.plan().steps(), e.at()).dispatchReady(e.at())
          : this;
    } else if (change instanceof RunChange.ElementStarted e) {
      return partStarted(e.stepId(), e.index(), e.at());
    } else if (change instanceof RunChange.IterationStarted e) {
      return partStarted(e.stepId(), e.iteration(), e.at());
    } else if (change instanceof RunChange.BudgetExceeded
        || change instanceof RunChange.StepOutputRejected) {
      // Records of figures and of rejected tries; the attempt's end is an event of its own.
      return this;
    } else if (change instanceof RunChange.RunCompleted e) {
      return transitioned(RunStatus.COMPLETED, e.output(), cause, e.at());
    } else if (change instanceof RunChange.RunFailed e) {
      return transitioned(RunStatus.FAILED, output, e.cause(), e.at());
    } else if (change instanceof RunChange.RunPaused e) {
      return transitioned(RunStatus.PAUSED, output, cause, e.at());
    } else if (change instanceof RunChange.RunResumed e) {
      return transitioned(RunStatus.RUNNING, output, cause, e.at()).dispatchReady(e.at());
    } else if (change instanceof RunChange.RunCancelled e) {
      String why = "cancelled by " + e.actor() + (e.reason() == null ? "" : ": " + e.reason());
      return transitioned(
          RunStatus.CANCELLED, output, new RunCause(null, ErrorClass.CANCELLED, why, 0), e.at());
    }
    throw new IllegalArgumentException("unknown run event " + change.getClass().getName());
  }

  /** A tool loop's turn begins: its step is added and sent; the first also starts the loop. */
  private RunState toolTurnStarted(RunChange.ToolTurnStarted e) {
    RunState next = this;
    if (e.turn() == 1) {
      next = withStep(e.stepId(), s -> s.dispatched(1, e.at()).started(null, e.at()), e.at());
    }
    return next.withSteps(List.of(ToolLoops.turnStep(spec(e.stepId()), e.turn())), e.at())
        .dispatchReady(e.at());
  }

  /** A planner's turn begins: its step is added and sent; the first also starts the planner. */
  private RunState plannerAsked(RunChange.PlannerAsked e) {
    RunState next = this;
    if (e.turn() == 1) {
      next = withStep(e.stepId(), s -> s.dispatched(1, e.at()).started(null, e.at()), e.at());
    }
    StepSpec turn = Planning.turnStep(next, spec(e.stepId()), e.turn(), e.errors());
    return next.withSteps(List.of(turn), e.at()).dispatchReady(e.at());
  }

  /**
   * An element of a map or an iteration of a loop begins: its sub-plan's steps are added and the
   * ready ones sent; the first also starts the map's or loop's step.
   */
  private RunState partStarted(String stepId, int index, Instant at) {
    RunState next = this;
    if (step(stepId).status() == StepStatus.PENDING) {
      next = withStep(stepId, s -> s.dispatched(1, at).started(null, at), at);
    }
    return next.withSteps(SubPlanParts.steps(spec(stepId), index), at).dispatchReady(at);
  }

  /** The run's plan grown by {@code added}, pending. */
  private RunState withSteps(List<StepSpec> added, Instant at) {
    PMap<String, StepState> next = steps;
    for (StepSpec step : added) {
      if (next.containsKey(step.id())) {
        throw new IllegalArgumentException("run " + runId + " has a step '" + step.id() + "'");
      }
      next = next.plus(step.id(), StepState.pending(step.id()));
    }
    return new RunState(
        runId, spec.withSteps(added), status, next, usage, output, cause, startedAt, at, variables);
  }

  private RunState started(RunChange.RunStarted e) {
    if (status != null) {
      throw new IllegalTransitionException("a run", status, RunStatus.RUNNING);
    }
    // A run exists from its first event, queued, and starts in the same event.
    RunStatus running = RunLifecycle.transition(RunStatus.QUEUED, RunStatus.RUNNING);
    PMap<String, StepState> initial = HashTreePMap.empty();
    for (StepSpec step : e.spec().plan().steps()) {
      initial = initial.plus(step.id(), StepState.pending(step.id()));
    }
    return new RunState(
        runId, e.spec(), running, initial, usage, output, cause, e.at(), e.at(), variables);
  }

  /** The run moved to {@code next} (checked against the lifecycle), with its output and cause. */
  private RunState transitioned(RunStatus next, JsonNode finalOutput, RunCause why, Instant at) {
    if (status == null) {
      throw new IllegalTransitionException("a run", null, next);
    }
    RunStatus checked = RunLifecycle.transition(status, next);
    return new RunState(
        runId, spec, checked, steps, usage, finalOutput, why, startedAt, at, variables);
  }

  private RunState withStep(String stepId, UnaryOperator<StepState> change, Instant at) {
    StepState current = steps.get(stepId);
    if (current == null) {
      throw new IllegalArgumentException("run " + runId + " has no step '" + stepId + "'");
    }
    return new RunState(
        runId,
        spec,
        status,
        steps.plus(stepId, change.apply(current)),
        usage,
        output,
        cause,
        startedAt,
        at,
        variables);
  }

  private RunState withUsage(Usage more) {
    return new RunState(
        runId,
        spec,
        status,
        steps,
        usage.plus(more),
        output,
        cause,
        startedAt,
        updatedAt,
        variables);
  }

  /** Dispatches, attempt 1, every pending agent step that {@link #ready} allows. */
  private RunState dispatchReady(Instant at) {
    if (status != RunStatus.RUNNING) {
      return this;
    }
    // A run that only plans sends its planner's turns, and nothing else.
    boolean planning = spec.mode() == ExecutionMode.DRY_RUN;
    PMap<String, StepState> next = steps;
    for (StepSpec step : plan().steps()) {
      if (planning && !Planning.plannerTurn(this, step)) {
        continue;
      }
      if (step.kind().sent()
          && !step.runsParts()
          && next.get(step.id()).status() == StepStatus.PENDING
          && ready(step)) {
        next = next.plus(step.id(), next.get(step.id()).dispatched(1, at));
      }
    }
    return next == steps
        ? this
        : new RunState(
            runId, spec, status, next, usage, output, cause, startedAt, updatedAt, variables);
  }

  /**
   * Whether an attempt of {@code step} is out with a dispatcher or an agent. A tool loop's, a map's
   * or a loop's own step never is: the steps it added are.
   */
  public boolean inFlight(StepState step) {
    return step.status().out() && !spec(step.id()).runsParts();
  }

  /** Whether every dependency of {@code step} succeeded and no gate among them said skip. */
  public boolean ready(StepSpec step) {
    for (String dependency : step.dependsOn()) {
      StepState dep = steps.get(dependency);
      if (dep.status() != StepStatus.SUCCEEDED || gateSaidSkip(dependency, dep)) {
        return false;
      }
    }
    return true;
  }

  /** Why {@code step} must be skipped, or {@code null}: a dependency skipped, or a false gate. */
  public String skipReason(StepSpec step) {
    for (String dependency : step.dependsOn()) {
      StepState dep = steps.get(dependency);
      if (dep.status() == StepStatus.SKIPPED) {
        return "dependency '" + dependency + "' was skipped";
      }
      if (dep.status() == StepStatus.SUCCEEDED && gateSaidSkip(dependency, dep)) {
        return "gate '" + dependency + "' was false";
      }
    }
    return null;
  }

  private boolean gateSaidSkip(String stepId, StepState state) {
    return spec(stepId).kind() == StepKind.GATE && !state.output().path("passed").asBoolean(true);
  }

  /** The public view of this state; {@code lastSeq} is the latest event's sequence number. */
  public RunView view(long lastSeq) {
    // A tool loop's, a map's or a loop's step shows what the steps it added used.
    Map<String, Usage> loops = new HashMap<>();
    for (StepSpec step : plan().steps()) {
      if (step.partOf() != null) {
        loops.merge(step.partOf().step(), steps.get(step.id()).usage(), Usage::plus);
      } else if (step.within() != null) {
        loops.merge(step.within().step(), steps.get(step.id()).usage(), Usage::plus);
      }
    }
    List<StepView> views =
        plan().steps().stream()
            .map(
                step -> {
                  StepState s = steps.get(step.id());
                  return new StepView(
                      s.id(),
                      step.kind(),
                      s.status(),
                      step.dependsOn(),
                      s.attempt(),
                      s.agentId() == null ? null : s.agentId().value(),
                      s.output(),
                      s.error(),
                      loops.getOrDefault(s.id(), s.usage()),
                      s.status() == StepStatus.WAITING ? waitsFor(step) : null,
                      s.waitUntil(),
                      s.retryDueAt(),
                      step.kind() == StepKind.RUN && s.attempt() > 0
                          ? ParentRun.childId(runId, s.id(), s.attempt()).value()
                          : null);
                })
            .toList();
    return new RunView(
        runId.value(),
        tenant().value(),
        status,
        spec.mode(),
        views,
        usage,
        output,
        cause,
        startedAt,
        updatedAt,
        lastSeq,
        variables.entries().stream()
            .sorted(Comparator.comparing(StateEntry::key).thenComparing(StateEntry::stepId))
            .toList(),
        spec.parent());
  }

  /** The signal a waiting step waits for: a planner's plan waits for its approval. */
  private static String waitsFor(StepSpec step) {
    return step.kind() == StepKind.PLAN ? Planning.APPROVAL_SIGNAL : step.signal();
  }

  /** Outputs of every succeeded step, keyed by step id, in plan order. */
  public Map<String, JsonNode> outputs() {
    Map<String, JsonNode> result = new LinkedHashMap<>();
    for (StepSpec step : plan().steps()) {
      StepState s = steps.get(step.id());
      if (s.output() != null) {
        result.put(s.id(), s.output());
      }
    }
    return result;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RunState that
        && Objects.equals(runId, that.runId)
        && Objects.equals(spec, that.spec)
        && status == that.status
        && stepStates().equals(that.stepStates())
        && Objects.equals(usage, that.usage)
        && Objects.equals(output, that.output)
        && Objects.equals(cause, that.cause)
        && Objects.equals(startedAt, that.startedAt)
        && Objects.equals(updatedAt, that.updatedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(runId, status, stepStates());
  }

  @Override
  public String toString() {
    return "RunState[" + runId + " " + status + " " + stepStates() + "]";
  }
}
