package dev.lattice.orchestrator.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.orchestrator.policy.AllowLists;
import dev.lattice.orchestrator.policy.PolicySettings;
import dev.lattice.protocol.agent.AllowList;
import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.IntentView;
import dev.lattice.protocol.api.PlanEstimate;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.RequestedModel;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.plan.StepSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The plan of a goal's run: one step of kind {@code plan}, whose input records everything its
 * planner is asked and checked against, as the run starts: the ask itself (instructions, the goal,
 * the payload, the catalogue of what the cluster can do, the plan's JSON Schema), the capabilities
 * the plan may use (those on offer that the tenant's allow-lists let it use) and the plan limits.
 * The run decides with that record alone, so that replaying its journal decides the same.
 */
public final class GoalPlans {
  /** The id of a goal run's planner step. */
  public static final String PLANNER_STEP = "plan";

  private static final String SCHEMA_RESOURCE = "/dev/lattice/orchestrator/plan/plan.schema.json";
  private static final JsonNode PLAN_SCHEMA = loadSchema();

  private final GoalSettings settings;
  private final int maxSteps;
  private final Duration maxDuration;
  private final AllowLists allowLists;
  private final PolicySettings policy;
  private final SubPlanLimits subPlans;
  private final ChildRunLimits child;

  /**
   * @param settings the {@code lattice.planner.goals} settings
   * @param maxSteps the most steps a plan may have
   * @param maxDuration the longest duration a plan may state
   * @param policy the allow-lists that narrow what a tenant's plan may use
   * @param subPlans the bounds of the plan's map and loop steps
   * @param child the bounds of the plan's run steps
   */
  public GoalPlans(
      GoalSettings settings,
      int maxSteps,
      Duration maxDuration,
      PolicySettings policy,
      SubPlanLimits subPlans,
      ChildRunLimits child) {
    this.settings = settings;
    this.maxSteps = maxSteps;
    this.maxDuration = maxDuration;
    this.allowLists = policy.allowLists();
    this.policy = policy;
    this.subPlans = subPlans;
    this.child = child;
  }

  /**
   * The one-step plan that plans {@code request}'s goal, with the {@code capabilities} on offer
   * (described as {@code described} says), and the {@code intents} for reference.
   *
   * @throws PlanRejectedException when the goal is blank or too long
   */
  public PlanSpec plan(
      ExecuteRequest request,
      Set<String> capabilities,
      Map<String, ToolSpec> described,
      List<IntentView> intents) {
    String goal = request.goal();
    if (goal.isBlank()) {
      throw new PlanRejectedException("goal", "the goal is blank");
    }
    if (goal.length() > settings.maxGoalChars()) {
      throw new PlanRejectedException(
          "goal",
          "the goal has "
              + goal.length()
              + " characters; at most "
              + settings.maxGoalChars()
              + " are allowed (lattice.planner.goals.max-goal-chars)");
    }
    int replans = request.replans() == null ? 0 : request.replans();
    if (replans < 0 || replans > settings.maxReplans()) {
      throw new PlanRejectedException(
          "replans",
          "replans must be between 0 and "
              + settings.maxReplans()
              + " (lattice.planner.goals.max-replans), not "
              + replans);
    }
    Set<String> usable = new TreeSet<>();
    for (String capability : capabilities) {
      if (allowLists.tools(request.tenant(), capability).stream()
          .allMatch(list -> list.allows(capability))) {
        usable.add(capability);
      }
    }
    ObjectNode input = JsonNodeFactory.instance.objectNode();
    input.put("goal", goal);
    ObjectNode catalogue = catalogue(usable, described, intents);
    ArrayNode models = catalogue.putArray("models");
    settings.models().forEach(models::add);
    policy
        .tenantBudget(request.tenant())
        .ifPresent(
            budget ->
                catalogue
                    .putObject("tenantBudget")
                    .put("period", budget.period().toString())
                    .set("limit", LatticeJson.mapper().valueToTree(budget.limit())));
    input.set("ask", ask(goal, request.payload(), catalogue));
    ArrayNode offered = input.putArray("capabilities");
    usable.forEach(offered::add);
    ObjectNode limits =
        input
            .putObject("limits")
            .put("maxSteps", maxSteps)
            .put("maxDurationMs", maxDuration.toMillis())
            .put("replans", replans);
    limits.set("subPlans", LatticeJson.mapper().valueToTree(subPlans));
    ObjectNode modelLists = limits.putObject("models");
    for (String capability : usable) {
      List<AllowList> lists = allowLists.models(request.tenant(), capability);
      if (!lists.isEmpty()) {
        // Every list that applies must allow a model: the models all of them allow.
        Set<String> allowed = new TreeSet<>(lists.get(0).allowed());
        lists.forEach(list -> allowed.retainAll(list.allowed()));
        ArrayNode names = modelLists.putArray(capability);
        allowed.forEach(names::add);
      }
    }
    limits
        .putObject("childRuns")
        .put("maxDepth", child.maxDepth())
        .put("defaultTimeoutMs", child.defaultTimeout().toMillis());
    // The tenant's budget for a period: a plan estimated to take more could never finish in one.
    policy
        .tenantBudget(request.tenant())
        .ifPresent(
            budget -> limits.set("budget", LatticeJson.mapper().valueToTree(budget.limit())));
    StepSpec planner =
        StepSpec.planner(PLANNER_STEP, settings.capability(), input, settings.maxTurns());
    return new PlanSpec(List.of(planner), null, null);
  }

  private ObjectNode ask(String goal, JsonNode payload, ObjectNode catalogue) {
    ObjectNode ask = JsonNodeFactory.instance.objectNode();
    if (settings.profile() != null) {
      ask.put("profile", settings.profile());
    }
    ask.put("system", settings.instructions());
    ask.set("schema", PLAN_SCHEMA);
    ask.put("schemaName", "plan");
    ask.putArray("messages")
        .addObject()
        .put("role", "user")
        .put(
            "content",
            "Goal: "
                + goal
                + "\n\nThe run's payload: "
                + payload
                + "\n\nWhat the cluster can do: "
                + catalogue);
    return ask;
  }

  private static ObjectNode catalogue(
      Set<String> usable, Map<String, ToolSpec> described, List<IntentView> intents) {
    ObjectNode catalogue = JsonNodeFactory.instance.objectNode();
    ArrayNode capabilities = catalogue.putArray("capabilities");
    for (String name : usable) {
      ObjectNode entry = capabilities.addObject().put("name", name);
      ToolSpec tool = described.get(name);
      if (tool != null) {
        entry.put("description", tool.description());
        entry.set("inputSchema", tool.inputSchema());
      }
    }
    ArrayNode templates = catalogue.putArray("intents");
    for (IntentView intent : intents) {
      templates.add(LatticeJson.mapper().valueToTree(intent));
    }
    return catalogue;
  }

  /** What the planner step {@code input} asks its model first. */
  public static ObjectNode ask(JsonNode input) {
    return (ObjectNode) input.get("ask");
  }

  /** How many new plans the run of the planner step with {@code input} may ask for. */
  public static int replans(JsonNode input) {
    return input.path("limits").path("replans").asInt(0);
  }

  /** The capabilities a plan of the planner step with {@code input} may use. */
  public static Set<String> capabilities(JsonNode input) {
    Set<String> names = new HashSet<>();
    input.path("capabilities").forEach(name -> names.add(name.asText()));
    return names;
  }

  /**
   * Why steps of {@code plan} (sub-plans and child plans included) ask for models the tenant's
   * allow-lists that the planner step with {@code input} recorded do not allow; empty when none do.
   * A step's model is its input's {@code model}, else its own; a step that names none takes its
   * profile's, which the operator chose.
   */
  public static List<String> modelErrors(JsonNode input, PlanSpec plan) {
    JsonNode models = input.path("limits").path("models");
    List<String> errors = new ArrayList<>();
    if (models.isObject() && !models.isEmpty()) {
      modelErrors(models, plan.steps(), "plan.steps", errors);
    }
    return errors;
  }

  private static void modelErrors(
      JsonNode models, List<StepSpec> steps, String field, List<String> errors) {
    for (int i = 0; i < steps.size(); i++) {
      StepSpec step = steps.get(i);
      String at = field + "[" + i + "]";
      JsonNode allowed = step.capability() == null ? null : models.get(step.capability());
      String model = RequestedModel.of(step.input(), step.model());
      if (allowed != null && model != null && !contains(allowed, model)) {
        errors.add(
            at
                + ".model: model '"
                + model
                + "' is not allowed for capability '"
                + step.capability()
                + "'; allowed: "
                + allowed);
      }
      if (step.steps() != null) {
        modelErrors(models, step.steps(), at + ".steps", errors);
      }
      if (step.plan() != null) {
        modelErrors(models, step.plan().steps(), at + ".plan.steps", errors);
      }
    }
  }

  private static boolean contains(JsonNode names, String name) {
    for (JsonNode allowed : names) {
      if (allowed.asText().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why the plan estimated as {@code estimate} exceeds the tenant's budget the planner step with
   * {@code input} recorded; null when it does not, or the tenant has none.
   */
  public static String overBudget(JsonNode input, PlanEstimate estimate) {
    JsonNode budget = input.path("limits").path("budget");
    if (budget.isMissingNode()) {
      return null;
    }
    JsonNode tokens = budget.path("maxTokens");
    if (tokens.isNumber()
        && estimate.maxTokens() != null
        && estimate.maxTokens() > tokens.asLong()) {
      return "the plan may take "
          + estimate.maxTokens()
          + " tokens, more than the tenant's budget of "
          + tokens.asLong();
    }
    JsonNode cost = budget.path("maxCostUsd");
    if (cost.isNumber()
        && estimate.maxCostUsd() != null
        && estimate.maxCostUsd().compareTo(cost.decimalValue()) > 0) {
      return "the plan may cost "
          + estimate.maxCostUsd()
          + " USD, more than the tenant's budget of "
          + cost.decimalValue()
          + " USD";
    }
    return null;
  }

  /** The validator of plans of the planner step with {@code input}, with its recorded limits. */
  public static PlanValidator validator(JsonNode input) {
    JsonNode limits = input.path("limits");
    SubPlanLimits subPlans;
    try {
      subPlans = LatticeJson.mapper().treeToValue(limits.path("subPlans"), SubPlanLimits.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the planner step's recorded sub-plan limits", e);
    }
    JsonNode childRuns = limits.path("childRuns");
    Set<StepKind> kinds = EnumSet.copyOf(PlanValidator.PLAN_KINDS);
    ChildRunLimits children;
    if (childRuns.isObject()) {
      children =
          new ChildRunLimits(
              childRuns.path("maxDepth").asInt(),
              Duration.ofMillis(childRuns.path("defaultTimeoutMs").asLong()));
    } else {
      // Recorded before run steps existed: its planner was not offered them.
      kinds.remove(StepKind.RUN);
      children = new ChildRunLimits(1, Duration.ofMillis(limits.path("maxDurationMs").asLong()));
    }
    return new PlanValidator(
        limits.path("maxSteps").asInt(),
        kinds,
        Duration.ofMillis(limits.path("maxDurationMs").asLong()),
        subPlans,
        children);
  }

  private static JsonNode loadSchema() {
    try (InputStream in = GoalPlans.class.getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + SCHEMA_RESOURCE);
      }
      return LatticeJson.mapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
