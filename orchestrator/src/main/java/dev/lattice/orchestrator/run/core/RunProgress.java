package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.orchestrator.policy.UsageEstimator;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.RejectedOutput;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.plan.BudgetAction;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.RetryPolicy;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.run.RunCause;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunSpec;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.protocol.time.SaturatingTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * Decides what a run does next: what a result does to the DAG, which ready inline steps to settle
 * ({@link InlineSteps}), which steps to skip, when the run is done. Pure: given a state, a time and
 * a source of randomness it returns the events to persist and the agent steps they dispatch ({@link
 * Decided}), so the entity, its recovery and the tests share one implementation.
 */
public final class RunProgress {
  private static final RetryPolicy ONE_ATTEMPT = new RetryPolicy(1, null, null, null, null, null);

  private final RunSettings settings;
  private final RunBudget budget;
  private final StepAssignments assignments;
  private final InlineSteps inline;
  private final ToolLoops loops;
  private final Planning planning;
  private final MapSteps maps;
  private final LoopSteps loopSteps;
  private final RunRedaction redaction;

  /** Progress for runs whose attempts hold nothing against run budgets until they finish. */
  public RunProgress(RunSettings settings) {
    this(settings, UsageEstimator.NONE);
  }

  public RunProgress(RunSettings settings, UsageEstimator estimator) {
    this.settings = settings;
    this.budget = new RunBudget(estimator);
    this.assignments = new StepAssignments(settings, budget);
    this.inline = new InlineSteps(settings);
    this.loops = new ToolLoops(settings.toolLoop());
    this.planning = new Planning(settings);
    this.maps = new MapSteps(settings.subPlan());
    this.loopSteps = new LoopSteps(settings.subPlan());
    this.redaction = new RunRedaction(settings.redaction());
  }

  /** What this run's agent steps are sent, and where. */
  public StepAssignments assignments() {
    return assignments;
  }

  /** The events that start a run: it starts, and its first steps are decided and dispatched. */
  public Decided start(RunState empty, RunSpec spec, Instant now) {
    Decision decision = new Decision(empty, redaction);
    decision.add(new RunChange.RunStarted(spec, now));
    if (spec.mode() == ExecutionMode.DRY_RUN && !plans(spec)) {
      // The plan is validated and recorded; nothing runs, not even transforms and gates. (A goal's
      // planner does run: the plan it writes is what a dry run of a goal records.)
      decision.add(new RunChange.RunCompleted(dryRunOutput(spec), now));
      return decision.decided();
    }
    advance(decision, now);
    return decision.decided();
  }

  private static boolean plans(RunSpec spec) {
    return spec.plan().steps().stream().anyMatch(step -> step.kind() == StepKind.PLAN);
  }

  private static JsonNode dryRunOutput(RunSpec spec) {
    ObjectNode output = JsonNodeFactory.instance.objectNode();
    output.put("dryRun", true);
    output.put("steps", spec.plan().steps().size());
    return output;
  }

  /**
   * The event recording that an agent is running attempt {@code attempt} of a step; none if the
   * attempt is no longer dispatched (it finished, or another attempt replaced it).
   */
  public Decided started(
      RunState state, String stepId, int attempt, AgentId agentId, Instant startedAt) {
    StepState step = state.step(stepId);
    if (!live(state)
        || step == null
        || step.status() != StepStatus.DISPATCHED
        || step.attempt() != attempt) {
      return Decided.NOTHING;
    }
    return Decided.of(List.of(new RunChange.StepStarted(stepId, attempt, agentId, startedAt)));
  }

  /**
   * The events for an attempt's result: the outputs its action rejected on the way, then the step
   * succeeds, or fails and is retried or fails the run; then whatever follows. None if the result
   * is stale (another attempt, or already settled).
   *
   * @param startedAt when the agent took the attempt, if the run heard of it
   */
  public Decided resulted(
      RunState state,
      AssignmentResult result,
      Instant startedAt,
      Instant now,
      DoubleSupplier random) {
    Decision decision = new Decision(state, redaction);
    resulted(decision, result, startedAt, now, random);
    return decision.decided();
  }

  /**
   * The events for results written together, each decided on the state the ones before it left: one
   * write for all of them (a group commit).
   *
   * @param startedAt when the agent took a result's attempt, or {@code null} if the run did not
   *     hear
   */
  public Decided resulted(
      RunState state,
      List<AssignmentResult> results,
      Function<AssignmentResult, Instant> startedAt,
      Instant now,
      DoubleSupplier random) {
    Decision decision = new Decision(state, redaction);
    for (AssignmentResult result : results) {
      resulted(decision, result, startedAt.apply(result), now, random);
    }
    return decision.decided();
  }

  private void resulted(
      Decision decision,
      AssignmentResult result,
      Instant startedAt,
      Instant now,
      DoubleSupplier random) {
    RunState state = decision.state();
    StepState step = state.step(result.stepId());
    if (!live(state)
        || step == null
        || step.attempt() != result.attempt()
        || !step.status().out()) {
      return;
    }
    AgentId agent = result.agentId();
    Instant started = step.startedAt() != null ? step.startedAt() : startedAt;
    for (RejectedOutput rejected : result.outcome().rejected()) {
      decision.add(RunChange.StepOutputRejected.of(step.id(), step.attempt(), rejected, now));
    }
    if (result.outcome() instanceof StepOutcome.Succeeded ok) {
      decision.add(
          new RunChange.StepSucceeded(
              step.id(), step.attempt(), agent, started, ok.output(), ok.usage(), now));
    } else if (result.outcome() instanceof StepOutcome.Failed failed) {
      fail(
          decision,
          step.id(),
          step.attempt(),
          agent,
          started,
          failed.error(),
          failed.usage(),
          now,
          random);
    }
    advance(decision, now);
  }

  /**
   * {@code first} and whatever follows from it: the events of an intervention or of a deadline
   * decided elsewhere ({@link RunInterventions}).
   */
  Decided followedBy(RunState state, RunChange first, Instant now) {
    return followedBy(state, List.of(first), now);
  }

  /** The events {@code first}, then those that follow from them. */
  Decided followedBy(RunState state, List<RunChange> first, Instant now) {
    Decision decision = new Decision(state, redaction);
    first.forEach(decision::add);
    advance(decision, now);
    return decision.decided();
  }

  /**
   * The events of a person approving the plan the goal's planner proposed, as {@code approval}
   * gives it (with an edited plan in its data's {@code plan}, or without, for the plan as
   * proposed).
   *
   * @throws IllegalTransitionException when no planner waits for approval, or the edit cannot run
   */
  Decided approvePlan(RunState state, SignalRequest approval, Instant now) {
    return followedBy(state, planning.approval(state, approval, now), now);
  }

  /** The events for a retry timer that fired: the next attempt is dispatched, if still due. */
  Decided retryDue(RunState state, String stepId, int attempt, Instant now) {
    StepState step = state.step(stepId);
    if (state.status() != RunStatus.RUNNING
        || step == null
        || step.status() != StepStatus.RETRY_WAIT
        || step.attempt() + 1 != attempt) {
      return Decided.NOTHING;
    }
    // Its input was checked when its first attempt was dispatched.
    return new Decided(
        List.of(new RunChange.StepDispatched(stepId, attempt, now)), List.of(stepId));
  }

  /**
   * Whether results waiting to be written should be written now: one of them failed, or together
   * they make some step ready or settle the run. A success that only waits alongside its siblings
   * (a branch whose join still needs others) is not urgent.
   */
  public boolean urgent(RunState state, List<AssignmentResult> waiting) {
    if (!state.exists()) {
      // A result for a run with no events (deleted by retention, say): at once, to be dropped.
      return true;
    }
    Set<String> done = new HashSet<>();
    for (AssignmentResult result : waiting) {
      if (!(result.outcome() instanceof StepOutcome.Succeeded)) {
        return true;
      }
      StepSpec spec = state.spec(result.stepId());
      if (spec != null && spec.added()) {
        // It moves a tool loop, a map or a loop on, which waits for nothing else.
        return true;
      }
      done.add(result.stepId());
    }
    boolean outstanding = false;
    for (StepSpec step : state.plan().steps()) {
      StepState current = state.step(step.id());
      if (current.status() == StepStatus.SUCCEEDED
          || current.status() == StepStatus.SKIPPED
          || done.contains(step.id())) {
        continue;
      }
      outstanding = true;
      if (current.status() == StepStatus.PENDING
          && !step.dependsOn().isEmpty()
          && step.dependsOn().stream().anyMatch(done::contains)
          && step.dependsOn().stream()
              .allMatch(d -> done.contains(d) || state.step(d).status() == StepStatus.SUCCEEDED)) {
        return true;
      }
    }
    return !outstanding;
  }

  /** The events that follow from the state as it is (nothing, for a settled run). */
  public Decided advance(RunState state, Instant now) {
    Decision decision = new Decision(state, redaction);
    advance(decision, now);
    return decision.decided();
  }

  static boolean live(RunState state) {
    return state.status() == RunStatus.RUNNING || state.status() == RunStatus.PAUSED;
  }

  private void advance(Decision decision, Instant now) {
    if (decision.state().status() != RunStatus.RUNNING) {
      return;
    }
    boolean changed = true;
    // A step over the run's budget may pause the run: then nothing more is decided.
    while (changed && decision.state().status() == RunStatus.RUNNING) {
      changed = false;
      for (StepSpec step : decision.state().plan().steps()) {
        StepState current = decision.state().step(step.id());
        if (current.status() == StepStatus.DISPATCHED && decision.newlyDispatched(step.id())) {
          changed |= checkInput(decision, step, now) || checkBudget(decision, step, now);
        } else if (current.status() == StepStatus.PENDING) {
          String skip = decision.state().skipReason(step);
          if (skip != null) {
            decision.add(new RunChange.StepSkipped(step.id(), skip, now));
            changed = true;
          } else if (step.kind() == StepKind.PLAN) {
            changed |= planning.advance(decision, step, now);
          } else if (step.runsParts()) {
            changed |= advanceParts(decision, step, now);
          } else if (!step.kind().sent() && decision.state().ready(step)) {
            decision.add(inline.evaluate(decision.state(), step, now));
            changed = true;
          }
        } else if (current.status() == StepStatus.RUNNING && step.runsParts()) {
          changed |= advanceParts(decision, step, now);
        } else if (current.status() == StepStatus.RUNNING && step.kind() == StepKind.PLAN) {
          changed |= planning.advance(decision, step, now);
        } else if (current.status() == StepStatus.FAILED
            && !step.added()
            && step.kind() != StepKind.PLAN
            && !Planning.superseded(decision.state()).contains(step.id())) {
          // Only a failed step of a goal's plan may be replanned; the cheap checks come first.
          changed |= planning.replan(decision, step, now);
        }
      }
    }
    settle(decision, now);
  }

  /** Moves on a step the run carries out through steps it adds; whether it did. */
  private boolean advanceParts(Decision decision, StepSpec step, Instant now) {
    return switch (step.kind()) {
      case MAP -> maps.advance(decision, step, now);
      case LOOP -> loopSteps.advance(decision, step, now);
      default -> loops.advance(decision, step, now);
    };
  }

  /** A step just dispatched that would take the run past its budget is refused, or pauses it. */
  private boolean checkBudget(Decision decision, StepSpec step, Instant now) {
    if (decision.state().status() != RunStatus.RUNNING) {
      return false;
    }
    List<RunChange> refusal = budget.refusal(decision.state(), step, decision.inputChecked(), now);
    refusal.forEach(decision::add);
    return !refusal.isEmpty();
  }

  /**
   * A step just dispatched whose input cannot be resolved, or resolves past the payload limits (its
   * template nests earlier outputs in more levels), fails at once with {@code invalid_input}:
   * retrying would resolve it the same way.
   */
  private boolean checkInput(Decision decision, StepSpec step, Instant now) {
    try {
      settings.payloadLimits().check(StepInput.resolve(decision.state(), step), "the step's input");
      return false;
    } catch (IllegalArgumentException e) {
      decision.add(
          StepInput.invalid(step.id(), decision.state().step(step.id()).attempt(), e, now));
      return true;
    }
  }

  /**
   * The events of attempt {@code attempt} of a step failing with {@code error} (decided by the run
   * itself, e.g. a time limit): the failure, a retry if the policy allows one, and what follows.
   */
  Decided attemptFailed(
      RunState state, String stepId, StepError error, Instant now, DoubleSupplier random) {
    StepState step = state.step(stepId);
    Decision decision = new Decision(state, redaction);
    fail(
        decision,
        stepId,
        step.attempt(),
        step.agentId(),
        step.startedAt(),
        error,
        Usage.NONE,
        now,
        random);
    advance(decision, now);
    return decision.decided();
  }

  private void fail(
      Decision decision,
      String stepId,
      int attempt,
      AgentId agent,
      Instant started,
      StepError error,
      Usage usage,
      Instant now,
      DoubleSupplier random) {
    decision.add(new RunChange.StepFailed(stepId, attempt, agent, started, error, usage, now));
    if (error.errorClass() == ErrorClass.UNKNOWN_OUTCOME) {
      // It may have happened: a person says whether (an override with its result) or retries it.
      decision.add(new RunChange.StepWaiting(stepId, null, null, now));
      return;
    }
    if (error.errorClass() == ErrorClass.BUDGET_EXCEEDED
        && budgetExceeded(decision, stepId, attempt, error, now)) {
      return;
    }
    RetryPolicy policy = retryPolicy(decision.state(), decision.state().spec(stepId));
    if (policy.retries(error.errorClass()) && attempt < policy.maxAttempts()) {
      // A wait the other side asked for (a rate limit's Retry-After) is honoured in full.
      Duration backoff = RetryBackoff.delay(policy, attempt, random.getAsDouble());
      Instant due =
          SaturatingTime.plus(
              now, backoff.compareTo(error.retryAfter()) >= 0 ? backoff : error.retryAfter());
      decision.add(new RunChange.StepRetryScheduled(stepId, attempt + 1, due, now));
    }
  }

  /**
   * Records the figures of an attempt stopped for its budget; under a plan that pauses for
   * approval, schedules the next attempt (sent when the run is resumed) and pauses. Whether it
   * paused.
   */
  private static boolean budgetExceeded(
      Decision decision, String stepId, int attempt, StepError error, Instant now) {
    BudgetAction action = decision.state().plan().budgetAction();
    if (error.budget() != null) {
      decision.add(new RunChange.BudgetExceeded(stepId, attempt, error.budget(), action, now));
    }
    if (action != BudgetAction.PAUSE || decision.state().status() != RunStatus.RUNNING) {
      return false;
    }
    decision.add(new RunChange.StepRetryScheduled(stepId, attempt + 1, now, now));
    decision.add(new RunChange.RunPaused(RunBudget.ACTOR, error.message(), now));
    return true;
  }

  /** The complete retry policy of a step: step, then plan, then configuration. */
  public RetryPolicy retryPolicy(RunState state, StepSpec step) {
    if (step.kind() == StepKind.RUN && step.retry() == null) {
      // A child run retried its own steps already: running it all again is the plan's choice.
      return ONE_ATTEMPT.withFallback(settings.defaultRetry());
    }
    RetryPolicy policy = step.retry() == null ? state.plan().retry() : step.retry();
    if (policy == null) {
      return settings.defaultRetry();
    }
    return policy.withFallback(state.plan().retry()).withFallback(settings.defaultRetry());
  }

  private static void settle(Decision decision, Instant now) {
    RunState state = decision.state();
    boolean allSettled = true;
    Set<String> replaced = Planning.superseded(state);
    for (StepSpec spec : state.plan().steps()) {
      if (spec.added() || replaced.contains(spec.id())) {
        // A tool loop's turns and calls, a map's or a loop's parts: its own step settles for them.
        // A step of a plan a new plan replaced: what it does no longer decides the run.
        continue;
      }
      StepState step = state.step(spec.id());
      if (step.status() == StepStatus.FAILED) {
        StepError error = step.error();
        decision.add(
            new RunChange.RunFailed(
                new RunCause(step.id(), error.errorClass(), error.message(), step.attempt()), now));
        return;
      }
      allSettled &= step.status() == StepStatus.SUCCEEDED || step.status() == StepStatus.SKIPPED;
    }
    if (allSettled) {
      decision.add(new RunChange.RunCompleted(finalOutputs(state), now));
    }
  }

  /** Outputs of the succeeded steps nothing depends on, keyed by step id. */
  private static ObjectNode finalOutputs(RunState state) {
    Set<String> depended = new HashSet<>();
    state.plan().steps().forEach(s -> depended.addAll(s.dependsOn()));
    Set<String> replaced = Planning.superseded(state);
    ObjectNode outputs = JsonNodeFactory.instance.objectNode();
    for (StepSpec spec : state.plan().steps()) {
      StepState step = state.step(spec.id());
      if (!depended.contains(spec.id())
          && !replaced.contains(spec.id())
          && step.status() == StepStatus.SUCCEEDED
          && !spec.added()
          && (spec.kind() != StepKind.PLAN || !Planning.runsAdopted(state))) {
        outputs.set(spec.id(), step.output());
      }
    }
    return outputs;
  }
}
