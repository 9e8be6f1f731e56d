package dev.lattice.orchestrator.run.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.orchestrator.plan.GoalPlans;
import dev.lattice.orchestrator.plan.InputTemplate;
import dev.lattice.orchestrator.plan.PlanEstimator;
import dev.lattice.orchestrator.plan.PlanRejectedException;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.api.PlanEstimate;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.LoopPart;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.StepStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides the planner step of a goal's run ({@link StepKind#PLAN}): it asks its model for a plan,
 * turn by turn ({@code plan.t1}, {@code plan.t2}, ...; each an agent step of the planner's
 * capability, dispatched and policed like any), checks each answer as a plan sent to the API is
 * checked, and either adopts it (the run's plan grows by its steps) or asks again with the reasons
 * it was refused, up to the step's {@code maxTurns}. The checks use only what the step recorded
 * when the run started (the capabilities on offer, the limits), so replaying the journal decides
 * the same. Pure.
 */
final class Planning {
  /** The signal that approves the plan a planner proposed, in a run of mode {@code approve}. */
  static final String APPROVAL_SIGNAL = "approve-plan";

  /** The most characters of a step's output a new plan's planner is shown. */
  private static final int OUTPUT_CHARS = 2000;

  private final RunSettings settings;

  Planning(RunSettings settings) {
    this.settings = settings;
  }

  /** Moves the planner {@code planner} on as far as its state allows now; whether it did. */
  boolean advance(Decision decision, StepSpec planner, Instant now) {
    RunState state = decision.state();
    StepState current = state.step(planner.id());
    if (current.status() == StepStatus.PENDING) {
      if (!state.ready(planner)) {
        return false;
      }
      decision.add(new RunChange.PlannerAsked(planner.id(), 1, List.of(), now));
      return true;
    }
    if (current.status() != StepStatus.RUNNING) {
      return false;
    }
    int turn = ToolLoops.latestTurn(state, planner.id());
    StepState answered = state.step(LoopPart.turnId(planner.id(), turn));
    if (answered.status() == StepStatus.FAILED) {
      decision.add(failed(planner, answered, answered.error(), now));
      return true;
    }
    if (answered.status() != StepStatus.SUCCEEDED) {
      return false;
    }
    List<String> errors = new ArrayList<>();
    Checked plan = check(state, planner, answered.output(), true, errors);
    if (plan != null) {
      if (state.spec().mode() == ExecutionMode.APPROVE) {
        decision.add(
            new RunChange.PlanProposed(planner.id(), turn, plan.plan(), plan.estimate(), now));
      } else {
        adopt(planner, current, turn, plan, null, now).forEach(decision::add);
      }
      return true;
    }
    int maxTurns = planner.maxTurns() == null ? 1 : planner.maxTurns();
    if (turn >= maxTurns) {
      String why =
          "the planner's plan was refused in each of its "
              + turn
              + " turns (maxTurns "
              + maxTurns
              + "); the last time: "
              + String.join("; ", errors);
      decision.add(failed(planner, answered, StepError.of(ErrorClass.INVALID_PLAN, why), now));
      return true;
    }
    decision.add(new RunChange.PlannerAsked(planner.id(), turn + 1, errors, now));
    return true;
  }

  /** The planner's plan joins the run (unless it only plans), and the planner's step ends. */
  private static List<RunChange> adopt(
      StepSpec planner, StepState current, int turn, Checked plan, String approvedBy, Instant now) {
    return List.of(
        new RunChange.PlanAdopted(
            planner.id(), turn, plan.plan(), plan.estimate(), approvedBy, now),
        new RunChange.StepSucceeded(
            planner.id(),
            1,
            current.agentId(),
            current.startedAt(),
            adopted(plan.plan(), plan.estimate(), turn),
            Usage.NONE,
            now));
  }

  /**
   * The events of a person approving the plan proposed by the planner that waits for it: the plan
   * of {@code approval}'s data ({@code {"plan": {...}}}), checked as the planner's plans are, or
   * else the plan as proposed.
   *
   * @throws IllegalTransitionException when no planner waits, or the edited plan cannot run
   */
  List<RunChange> approval(RunState state, SignalRequest approval, Instant now) {
    StepSpec planner =
        waitingPlanner(state)
            .orElseThrow(
                () ->
                    new IllegalTransitionException(
                        "no planner of this run waits for its plan's approval"));
    int turn = ToolLoops.latestTurn(state, planner.id());
    JsonNode edited = approval.data() == null ? null : approval.data().get("plan");
    JsonNode answer =
        edited == null
            ? state.step(LoopPart.turnId(planner.id(), turn)).output()
            : JsonNodeFactory.instance.objectNode().set("json", edited);
    List<String> errors = new ArrayList<>();
    // An edit is a person's plan; the plan as proposed is still the model's.
    Checked plan = check(state, planner, answer, edited == null, errors);
    if (plan == null) {
      throw new IllegalTransitionException(
          "the edited plan cannot run: " + String.join("; ", errors));
    }
    return adopt(
        planner, state.step(planner.id()), turn, plan, approval.intervention().actor(), now);
  }

  /** A plan that passed every check, with its estimate. */
  private record Checked(PlanSpec plan, PlanEstimate estimate) {}

  /**
   * The plan in a turn's {@code answer}, or null with {@code errors} saying why it cannot run: it
   * is not a plan, the plan validator refuses it, an input is past the payload limits, a step takes
   * the id of one the run has already, a step asks for a model the tenant's allow-lists deny, its
   * estimate is past the tenant's budget, or, written by the model ({@code byModel}), it names a
   * secret.
   */
  private Checked check(
      RunState state, StepSpec planner, JsonNode answer, boolean byModel, List<String> errors) {
    JsonNode json = answer == null ? null : answer.get("json");
    if (byModel && json != null && InputTemplate.namesSecret(json)) {
      // Only a person may name a secret in a plan: a model talked into it would send it anywhere.
      errors.add(
          "a planner's plan may not name a secret ("
              + InputTemplate.SECRET_REFERENCE
              + "...}); only a person's plan may");
      return null;
    }
    PlanSpec plan;
    try {
      plan = json == null ? null : LatticeJson.mapper().treeToValue(json, PlanSpec.class);
    } catch (JsonProcessingException e) {
      errors.add("the answer is not a plan: " + e.getOriginalMessage());
      return null;
    } catch (IllegalArgumentException e) {
      errors.add("the answer is not a plan: " + e.getMessage());
      return null;
    }
    if (plan == null) {
      errors.add("the answer holds no plan (a JSON object with \"steps\")");
      return null;
    }
    try {
      GoalPlans.validator(planner.input()).validate(plan, GoalPlans.capabilities(planner.input()));
    } catch (PlanRejectedException e) {
      errors.add((e.field() == null ? "" : e.field() + ": ") + e.reason());
      return null;
    }
    errors.addAll(GoalPlans.modelErrors(planner.input(), plan));
    for (int i = 0; i < plan.steps().size(); i++) {
      StepSpec step = plan.steps().get(i);
      if (state.spec(step.id()) != null) {
        errors.add("plan.steps[" + i + "].id: '" + step.id() + "' is taken by the run's own step");
      }
      settings
          .payloadLimits()
          .violation(step.input())
          .ifPresent(problem -> errors.add("plan.steps[" + step.id() + "].input: " + problem));
    }
    PlanEstimate estimate = PlanEstimator.estimate(plan, settings.defaultRetry());
    String over = GoalPlans.overBudget(planner.input(), estimate);
    if (over != null) {
      errors.add(over);
    }
    return errors.isEmpty() ? new Checked(plan, estimate) : null;
  }

  private static JsonNode adopted(PlanSpec plan, PlanEstimate estimate, int turns) {
    ObjectNode output = JsonNodeFactory.instance.objectNode();
    output.set("plan", LatticeJson.mapper().valueToTree(plan));
    output.set("estimate", LatticeJson.mapper().valueToTree(estimate));
    output.put("turns", turns);
    return output;
  }

  private static RunChange failed(StepSpec planner, StepState turn, StepError error, Instant now) {
    return new RunChange.StepFailed(
        planner.id(), 1, turn.agentId(), turn.startedAt(), error, Usage.NONE, now);
  }

  /**
   * The step {@link RunChange.PlannerAsked} adds: turn {@code turn} of {@code planner}, sent the
   * conversation so far as its literal input (never a template: a plan's own placeholders are text
   * to the planner). The first turn is sent the ask the step recorded; each later one that
   * conversation, the previous turn's answer and why it was refused.
   */
  static StepSpec turnStep(RunState state, StepSpec planner, int turn, List<String> errors) {
    ObjectNode input;
    if (turn == 1) {
      input = GoalPlans.ask(planner.input()).deepCopy();
    } else {
      StepSpec previous = state.spec(LoopPart.turnId(planner.id(), turn - 1));
      input = previous.input().deepCopy();
      ArrayNode messages = (ArrayNode) input.withArray("messages");
      JsonNode answer = state.step(previous.id()).output();
      messages
          .addObject()
          .put("role", "assistant")
          .put("content", answer == null ? "" : answer.path("json").toString());
      messages.addObject().put("role", "user").put("content", refusal(errors));
    }
    return StepSpec.loopPart(
        LoopPart.turnId(planner.id(), turn),
        LoopPart.turn(planner.id(), turn),
        planner.capability(),
        input,
        planner.model(),
        planner.budget(),
        planner.retry(),
        planner.timeouts());
  }

  private static String refusal(List<String> errors) {
    StringBuilder text = new StringBuilder("That plan cannot run:\n");
    errors.forEach(error -> text.append("- ").append(error).append('\n'));
    return text.append("Answer the whole plan again, corrected.").toString();
  }

  /**
   * Step {@code failed} failed for good: when it belongs to the plan the run's latest planner
   * adopted, and the run may still ask for new plans, the planner is asked for a plan of the
   * remaining work, and what has not started of the failed plan is skipped. Whether it was.
   */
  boolean replan(Decision decision, StepSpec failed, Instant now) {
    RunState state = decision.state();
    if (failed.added() || failed.kind() == StepKind.PLAN) {
      return false;
    }
    List<StepSpec> planners = planners(state);
    if (planners.isEmpty()) {
      return false;
    }
    StepSpec latest = planners.get(planners.size() - 1);
    int used = planners.size() - 1;
    if (state.step(latest.id()).status() != StepStatus.SUCCEEDED
        || !adoptedIds(state, latest).contains(failed.id())
        || used >= GoalPlans.replans(planners.get(0).input())) {
      return false;
    }
    int version = planners.size() + 1;
    decision.add(
        new RunChange.ReplanStarted(
            GoalPlans.PLANNER_STEP + "-" + version, failed.id(), version, now));
    for (String id : adoptedIds(state, latest)) {
      if (state.step(id).status() == StepStatus.PENDING) {
        decision.add(
            new RunChange.StepSkipped(
                id,
                "replaced by plan version " + version + ": step '" + failed.id() + "' failed",
                now));
      }
    }
    return true;
  }

  /**
   * The planner step {@link RunChange.ReplanStarted} adds: asked as the first planner was, and told
   * what the failed plan did (the outputs of its steps that succeeded, cut short, and why {@code
   * failedStep} failed) and which ids are taken.
   */
  static StepSpec replanStep(RunState state, RunChange.ReplanStarted e) {
    List<StepSpec> planners = planners(state);
    StepSpec first = planners.get(0);
    StepSpec latest = planners.get(planners.size() - 1);
    ObjectNode done = JsonNodeFactory.instance.objectNode();
    for (String id : adoptedIds(state, latest)) {
      StepState step = state.step(id);
      if (step.status() == StepStatus.SUCCEEDED) {
        String output = String.valueOf(step.output());
        done.put(
            id, output.length() > OUTPUT_CHARS ? output.substring(0, OUTPUT_CHARS) + "…" : output);
      }
    }
    StepState failed = state.step(e.failedStep());
    List<String> taken = new ArrayList<>();
    state.plan().steps().forEach(s -> taken.add(s.id()));
    ObjectNode input = first.input().deepCopy();
    ObjectNode message = (ObjectNode) GoalPlans.ask(input).withArray("messages").get(0);
    message.put(
        "content",
        message.path("content").asText()
            + "\n\nA plan was tried: "
            + state.step(latest.id()).output().path("plan")
            + "\nIts step '"
            + e.failedStep()
            + "' failed: "
            + failed.error().errorClass().wire()
            + ": "
            + failed.error().message()
            + "\nOutputs of its steps that succeeded: "
            + done
            + "\nWrite a plan of what remains of the goal. Its placeholders cannot see those"
            + " outputs: copy what it needs into its inputs. These step ids are taken: "
            + taken);
    return StepSpec.planner(e.stepId(), first.capability(), input, first.maxTurns());
  }

  /**
   * The steps of plans that a later plan replaced: their failures no longer fail the run, and their
   * outputs are not the run's.
   */
  static Set<String> superseded(RunState state) {
    List<StepSpec> planners = planners(state);
    Set<String> replaced = new HashSet<>();
    for (int i = 0; i < planners.size() - 1; i++) {
      replaced.addAll(adoptedIds(state, planners.get(i)));
    }
    return replaced;
  }

  /** The planner of {@code state} whose plan waits for a person's approval, if one does. */
  static Optional<StepSpec> waitingPlanner(RunState state) {
    return planners(state).stream()
        .filter(s -> state.step(s.id()).status() == StepStatus.WAITING)
        .findFirst();
  }

  private static List<StepSpec> planners(RunState state) {
    return state.plan().steps().stream().filter(s -> s.kind() == StepKind.PLAN).toList();
  }

  /** The ids of the plan {@code planner} adopted; empty before it adopted one. */
  private static List<String> adoptedIds(RunState state, StepSpec planner) {
    StepState step = state.step(planner.id());
    List<String> ids = new ArrayList<>();
    if (step.status() == StepStatus.SUCCEEDED) {
      step.output().path("plan").path("steps").forEach(s -> ids.add(s.path("id").asText()));
    }
    return ids;
  }

  /** Whether {@code step} is a turn of a planner, whose input is the literal conversation. */
  static boolean plannerTurn(RunState state, StepSpec step) {
    return step.partOf() != null && state.spec(step.partOf().step()).kind() == StepKind.PLAN;
  }

  /**
   * Whether the adopted plan's steps join the run now: not in a run that only plans ({@code
   * dry-run}).
   */
  static boolean runsAdopted(RunState state) {
    return state.spec().mode() != ExecutionMode.DRY_RUN;
  }
}
