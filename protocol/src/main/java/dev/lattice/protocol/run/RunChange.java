package dev.lattice.protocol.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.BudgetFigures;
import dev.lattice.protocol.agent.RejectedOutput;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.api.PlanEstimate;
import dev.lattice.protocol.audit.Intervened;
import dev.lattice.protocol.audit.InterventionEntry;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.CanonicalJson;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.BudgetAction;
import dev.lattice.protocol.plan.PlanSpec;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The events of a run's journal. Each maps one-to-one onto a public {@link RunEvent} whose {@code
 * seq} is the journal sequence number, and each records only what cannot be derived from the events
 * before it: a first attempt is dispatched the moment its dependencies have succeeded (that is part
 * of the event that settled the last of them), and an agent's start is folded into the attempt's
 * outcome when the attempt finishes quickly. One row per fact is what a run costs the journal, and
 * this keeps a three-step run at five rows.
 *
 * <p>They live in the protocol because their public form is a contract that readers on any node
 * rely on; the run entity that persists them is in the orchestrator.
 */
public sealed interface RunChange extends CborSerializable {
  /** When the run decided this; read in the command handler, never in an event handler. */
  Instant at();

  /** The dotted public type name. */
  String type();

  /** The step concerned, or {@code null} for run-level events. */
  default String stepId() {
    return null;
  }

  /** The attempt concerned, or {@code null}. */
  default Integer attempt() {
    return null;
  }

  /** The run status this event puts the run in, or {@code null} if it leaves the status as is. */
  default RunStatus establishes() {
    return null;
  }

  /** The public form of this event at sequence number {@code seq} of {@code runId}. */
  default RunEvent toEvent(RunId runId, long seq) {
    ObjectNode data = LatticeJson.mapper().valueToTree(this);
    data.remove("at");
    data.remove("stepId");
    data.remove("attempt");
    return new RunEvent(runId.value(), seq, at(), type(), stepId(), attempt(), data);
  }

  /**
   * The run began, with this spec; its steps without dependencies are dispatched (agent steps) from
   * here on.
   */
  record RunStarted(RunSpec spec, Instant at) implements RunChange {
    public RunStarted {
      Objects.requireNonNull(spec, "spec");
    }

    @Override
    public String type() {
      return RunEventType.RUN_STARTED;
    }

    @Override
    public RunStatus establishes() {
      return RunStatus.RUNNING;
    }
  }

  /** A retry attempt of an agent step was handed to its executor-dispatcher. */
  record StepDispatched(String stepId, Integer attempt, Instant at) implements RunChange {
    @Override
    public String type() {
      return RunEventType.STEP_DISPATCHED;
    }
  }

  /** An agent took the attempt and is still running it. */
  record StepStarted(String stepId, Integer attempt, AgentId agentId, Instant at)
      implements RunChange {
    @Override
    public String type() {
      return RunEventType.STEP_STARTED;
    }
  }

  /**
   * The attempt produced {@code output}; the step is done. For agent steps, {@code agentId} and
   * {@code startedAt} say who ran it from when.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record StepSucceeded(
      String stepId,
      Integer attempt,
      AgentId agentId,
      Instant startedAt,
      JsonNode output,
      Usage usage,
      Instant at)
      implements RunChange {
    public StepSucceeded {
      output = CanonicalJson.of(output);
    }

    @Override
    public String type() {
      return RunEventType.STEP_SUCCEEDED;
    }
  }

  /**
   * Try {@code tryNumber} of the attempt gave an output its action rejected (an answer that was not
   * the JSON its step's schema asked for), for {@code errors}; the action asked again or gave up.
   * Recorded when the attempt's result arrives, just before the event that ends the attempt.
   */
  record StepOutputRejected(
      String stepId,
      Integer attempt,
      @JsonProperty("try") int tryNumber,
      List<String> errors,
      int omittedErrors,
      String output,
      Instant at)
      implements RunChange {
    public StepOutputRejected {
      errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static StepOutputRejected of(
        String stepId, int attempt, RejectedOutput rejected, Instant at) {
      return new StepOutputRejected(
          stepId,
          attempt,
          rejected.tryNumber(),
          rejected.errors(),
          rejected.omittedErrors(),
          rejected.output(),
          at);
    }

    @Override
    public String type() {
      return RunEventType.STEP_OUTPUT_REJECTED;
    }
  }

  /** The attempt failed; a retry may follow. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record StepFailed(
      String stepId,
      Integer attempt,
      AgentId agentId,
      Instant startedAt,
      StepError error,
      Usage usage,
      Instant at)
      implements RunChange {
    @Override
    public String type() {
      return RunEventType.STEP_FAILED;
    }
  }

  /**
   * An attempt of the step exceeded a budget, with the figures: refused before dispatch, or stopped
   * by its usage. What follows ({@code action}) is the plan's: the step fails, or the run pauses
   * for approval.
   */
  record BudgetExceeded(
      String stepId, Integer attempt, BudgetFigures figures, BudgetAction action, Instant at)
      implements RunChange {
    @Override
    public String type() {
      return RunEventType.BUDGET_EXCEEDED;
    }
  }

  /**
   * Attempt {@code attempt} of the step will be dispatched at {@code dueAt}: by the step's retry
   * policy, or by {@code actor}'s hand (a retry of a step whose outcome is unknown).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record StepRetryScheduled(
      String stepId, Integer attempt, Instant dueAt, String actor, String reason, Instant at)
      implements RunChange, Intervened {
    /** A retry by the step's retry policy. */
    public StepRetryScheduled(String stepId, Integer attempt, Instant dueAt, Instant at) {
      this(stepId, attempt, dueAt, null, null, at);
    }

    @Override
    public String type() {
      return RunEventType.STEP_RETRY_SCHEDULED;
    }

    @Override
    public InterventionEntry auditedIntervention() {
      return actor == null
          ? null
          : InterventionEntry.accepted(at, "retry", stepId, null, actor, reason);
    }
  }

  /** The step will not run: a gate skipped its branch. */
  record StepSkipped(String stepId, String reason, Instant at) implements RunChange {
    @Override
    public String type() {
      return RunEventType.STEP_SKIPPED;
    }
  }

  /**
   * A wait step began to wait: until {@code until} (a timer), for the signal {@code signal}, or for
   * that signal until {@code until} (then it fails with {@code timeout}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record StepWaiting(String stepId, Instant until, String signal, Instant at) implements RunChange {
    @Override
    public String type() {
      return RunEventType.STEP_WAITING;
    }
  }

  /** The signal a wait step waited for arrived, from {@code actor}; its data is the output. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record StepSignalled(
      String stepId, String signal, JsonNode output, String actor, String reason, Instant at)
      implements RunChange, Intervened {
    public StepSignalled {
      output = CanonicalJson.of(output);
    }

    @Override
    public String type() {
      return RunEventType.STEP_SIGNALLED;
    }

    @Override
    public InterventionEntry auditedIntervention() {
      return InterventionEntry.accepted(at, "signal", stepId, signal, actor, reason);
    }
  }

  /** {@code actor} completed a failed or waiting step with {@code output}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record StepOverridden(String stepId, JsonNode output, String actor, String reason, Instant at)
      implements RunChange, Intervened {
    public StepOverridden {
      output = CanonicalJson.of(output);
    }

    @Override
    public String type() {
      return RunEventType.STEP_OVERRIDDEN;
    }

    @Override
    public InterventionEntry auditedIntervention() {
      return InterventionEntry.accepted(at, "override", stepId, null, actor, reason);
    }
  }

  /**
   * Turn {@code turn} of the tool loop of the llm step {@code stepId} begins: the run adds its step
   * ({@code stepId.tN}, sent the conversation so far) and dispatches it. The first turn also starts
   * the loop's step.
   */
  record ToolTurnStarted(String stepId, int turn, Instant at) implements RunChange {
    @Override
    public String type() {
      return RunEventType.STEP_TURN_STARTED;
    }
  }

  /**
   * Turn {@code turn} of the tool loop of {@code stepId} answered with tool calls: the run adds a
   * step for each ({@code stepId.tN.cM}) and dispatches them at once, in parallel. A call that
   * names no offered tool, or whose arguments are not an object, is refused instead (its step fails
   * at once, and the model is told why).
   */
  record ToolCallsRequested(String stepId, int turn, List<ToolCall> calls, Instant at)
      implements RunChange {
    public ToolCallsRequested {
      calls = List.copyOf(calls);
    }

    @Override
    public String type() {
      return RunEventType.STEP_TOOL_CALLS;
    }
  }

  /**
   * The planner of {@code stepId} is asked for a plan, turn {@code turn}: the run adds its step
   * ({@code stepId.tN}) and dispatches it. From the second turn on, {@code errors} say why the
   * previous turn's plan was refused; the planner is asked to repair it. The first turn also starts
   * the planner's step.
   */
  record PlannerAsked(String stepId, int turn, List<String> errors, Instant at)
      implements RunChange {
    public PlannerAsked {
      errors = errors == null ? List.of() : List.copyOf(errors);
    }

    @Override
    public String type() {
      return RunEventType.PLAN_ASKED;
    }
  }

  /**
   * Element {@code index} (from 0) of the map step {@code stepId} begins: the run adds its
   * sub-plan's steps ({@code stepId.INDEX.SUB}) and dispatches those that are ready. The first
   * element also starts the map's step.
   */
  record ElementStarted(String stepId, int index, Instant at) implements RunChange {
    @Override
    public String type() {
      return RunEventType.STEP_ELEMENT_STARTED;
    }
  }

  /**
   * The plan turn {@code turn} of the planner {@code stepId} answered passed every check, in a run
   * that waits for a person to approve it ({@code approve}): the planner's step waits for the
   * signal {@code approve-plan}, whose data may hold an edited plan.
   */
  record PlanProposed(String stepId, int turn, PlanSpec plan, PlanEstimate estimate, Instant at)
      implements RunChange {
    @Override
    public String type() {
      return RunEventType.PLAN_PROPOSED;
    }
  }

  /**
   * The plan turn {@code turn} of the planner {@code stepId} answered passed every check: the run
   * goes on with its steps (added to the run's plan, pending), unless the run only plans ({@code
   * dry-run}) or waits for a person to approve it first ({@code approve}). {@code estimate} is the
   * plan's, as {@code POST /plan} gives it; {@code approvedBy} names who approved (or edited) it.
   */
  record PlanAdopted(
      String stepId,
      int turn,
      PlanSpec plan,
      PlanEstimate estimate,
      @JsonInclude(JsonInclude.Include.NON_NULL) String approvedBy,
      Instant at)
      implements RunChange {
    @Override
    public String type() {
      return RunEventType.PLAN_ADOPTED;
    }
  }

  /**
   * Step {@code failedStep} of a goal's plan failed for good, and the run may ask for a new plan:
   * it adds the planner step {@code stepId} (plan version {@code version}), asked for a plan of the
   * remaining work, and the steps of the plan it replaces that have not started are skipped.
   */
  record ReplanStarted(String stepId, String failedStep, int version, Instant at)
      implements RunChange {
    @Override
    public String type() {
      return RunEventType.PLAN_REPLANNING;
    }
  }

  /**
   * The result of step {@code stepId} wrote {@code entry} into the run's shared state (its output's
   * {@code $state}); the entry replaces what the key held, in the order the run recorded the
   * writes.
   */
  record StateWritten(String stepId, StateEntry entry, Instant at) implements RunChange {
    @Override
    public String type() {
      return RunEventType.STATE_WRITTEN;
    }
  }

  /**
   * Iteration {@code iteration} (from 1) of the loop step {@code stepId} begins: the run adds its
   * sub-plan's steps ({@code stepId.iN.SUB}) and dispatches those that are ready. The first
   * iteration also starts the loop's step.
   */
  record IterationStarted(String stepId, int iteration, Instant at) implements RunChange {
    @Override
    public String type() {
      return RunEventType.STEP_ITERATION_STARTED;
    }
  }

  /** Every step settled without failure; {@code output} holds the final steps' outputs. */
  record RunCompleted(JsonNode output, Instant at) implements RunChange {
    public RunCompleted {
      output = CanonicalJson.of(output);
    }

    @Override
    public String type() {
      return RunEventType.RUN_COMPLETED;
    }

    @Override
    public RunStatus establishes() {
      return RunStatus.COMPLETED;
    }
  }

  /** A step failed for good; {@code cause} says which and why. */
  record RunFailed(RunCause cause, Instant at) implements RunChange {
    @Override
    public String type() {
      return RunEventType.RUN_FAILED;
    }

    @Override
    public RunStatus establishes() {
      return RunStatus.FAILED;
    }
  }

  /** Someone paused the run: nothing new is dispatched; attempts in flight may finish. */
  record RunPaused(String actor, String reason, Instant at) implements RunChange, Intervened {
    @Override
    public InterventionEntry auditedIntervention() {
      return InterventionEntry.accepted(at, "pause", null, null, actor, reason);
    }

    @Override
    public String type() {
      return RunEventType.RUN_PAUSED;
    }

    @Override
    public RunStatus establishes() {
      return RunStatus.PAUSED;
    }
  }

  /** Someone resumed the paused run; what became ready meanwhile is dispatched. */
  record RunResumed(String actor, String reason, Instant at) implements RunChange, Intervened {
    @Override
    public InterventionEntry auditedIntervention() {
      return InterventionEntry.accepted(at, "resume", null, null, actor, reason);
    }

    @Override
    public String type() {
      return RunEventType.RUN_RESUMED;
    }

    @Override
    public RunStatus establishes() {
      return RunStatus.RUNNING;
    }
  }

  /** Someone cancelled the run: it ends; results of attempts still in flight are ignored. */
  record RunCancelled(String actor, String reason, Instant at) implements RunChange, Intervened {
    @Override
    public InterventionEntry auditedIntervention() {
      return InterventionEntry.accepted(at, "cancel", null, null, actor, reason);
    }

    @Override
    public String type() {
      return RunEventType.RUN_CANCELLED;
    }

    @Override
    public RunStatus establishes() {
      return RunStatus.CANCELLED;
    }
  }
}
