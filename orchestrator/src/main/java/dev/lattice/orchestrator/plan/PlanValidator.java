package dev.lattice.orchestrator.plan;

import dev.lattice.protocol.plan.Budget;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.RetryPolicy;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.plan.StepTimeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks that a plan can run and says precisely why not: an empty plan, a duplicate or malformed
 * step id, an unknown dependency, a cycle (named step by step), an unknown capability, a field that
 * does not fit the step's kind, an expression that does not compile, an input placeholder that
 * refers to something the step cannot see, or a duration that is negative or longer than the
 * configured maximum. The sub-plans of map and loop steps are checked the same way, each on its own
 * (their step ids are their own), with the references they may make ({@link SubPlanScope}); so is
 * the plan of a run step, as the child run's own plan, nested no deeper than allowed.
 */
public final class PlanValidator {
  /**
   * The step kinds a plan may use, a goal's planner's plan included: listed one by one, so that a
   * kind added to the wire format is not run by accident ({@code notify} is not run yet, and a
   * {@code plan} step is the run's own).
   */
  public static final Set<StepKind> PLAN_KINDS =
      Collections.unmodifiableSet(
          EnumSet.of(
              StepKind.AGENT,
              StepKind.TRANSFORM,
              StepKind.GATE,
              StepKind.WAIT,
              StepKind.MAP,
              StepKind.LOOP,
              StepKind.RUN));

  private static final Pattern STEP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  // Signal names travel in URL paths: the same shape as step ids, dots allowed.
  private static final Pattern SIGNAL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final int maxSteps;
  private final Set<StepKind> supportedKinds;
  private final Duration maxDuration;
  private final SubPlanFields subPlanFields;
  private final ChildRunLimits child;

  /**
   * @param maxSteps the most steps a plan may have
   * @param supportedKinds the step kinds this version can run
   * @param maxDuration the longest duration a plan may state (a wait, a deadline, a timeout, a
   *     retry backoff)
   * @param subPlan the bounds of map and loop steps
   * @param child the bounds of run steps
   */
  public PlanValidator(
      int maxSteps,
      Set<StepKind> supportedKinds,
      Duration maxDuration,
      SubPlanLimits subPlan,
      ChildRunLimits child) {
    this.maxSteps = maxSteps;
    this.supportedKinds = Set.copyOf(supportedKinds);
    this.maxDuration = maxDuration;
    this.subPlanFields = new SubPlanFields(subPlan);
    this.child = child;
  }

  /**
   * Validates {@code plan} against the capabilities agents currently offer.
   *
   * @throws PlanRejectedException with the first problem found
   */
  public void validate(PlanSpec plan, Set<String> knownCapabilities) {
    validate(plan, "plan", knownCapabilities, 0);
  }

  /** A plan at {@code field}, of a run {@code depth} run steps deep. */
  private void validate(PlanSpec plan, String field, Set<String> knownCapabilities, int depth) {
    validateRetry(plan.retry(), field + ".retry");
    positiveDuration(plan.deadlineMs(), field + ".deadlineMs");
    validateBudget(plan.budget(), field + ".budget");
    validateSteps(plan.steps(), field + ".steps", knownCapabilities, SubPlanScope.TOP, depth);
    if (plan.budget() != null) {
      requireChildBudgets(plan.steps(), field + ".steps");
    }
  }

  /**
   * In a plan with a budget, every run step carves its child's budget out of it: a child without
   * one would hold nothing while it spends, and its siblings could take the plan past its budget.
   */
  private static void requireChildBudgets(List<StepSpec> steps, String field) {
    for (int i = 0; i < steps.size(); i++) {
      StepSpec step = steps.get(i);
      if (step.kind() == StepKind.RUN && step.budget() == null) {
        throw new PlanRejectedException(
            field + "[" + i + "].budget",
            "run step '"
                + step.id()
                + "' needs a budget: the plan has one, and a child run's budget is carved out of"
                + " it");
      }
      if (step.kind().runsSubPlan()) {
        requireChildBudgets(step.steps(), field + "[" + i + "].steps");
      }
    }
  }

  /**
   * The steps of a plan, or of a map's or loop's sub-plan ({@code scope}), at {@code field}, in a
   * run {@code depth} run steps deep.
   */
  private void validateSteps(
      List<StepSpec> steps,
      String field,
      Set<String> knownCapabilities,
      SubPlanScope scope,
      int depth) {
    if (steps.isEmpty()) {
      throw new PlanRejectedException(field, scope.what() + " has no steps");
    }
    if (steps.size() > maxSteps) {
      throw new PlanRejectedException(
          field,
          scope.what() + " has " + steps.size() + " steps; at most " + maxSteps + " are allowed");
    }
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      StepSpec step = steps.get(i);
      String at = field + "[" + i + "]";
      if (step == null) {
        throw new PlanRejectedException(at, "step is null");
      }
      if (step.id() == null || !STEP_ID.matcher(step.id()).matches()) {
        throw new PlanRejectedException(
            at + ".id",
            "step id must be 1-64 letters, digits, '_' or '-', starting with a letter or digit");
      }
      if (index.putIfAbsent(step.id(), i) != null) {
        throw new PlanRejectedException(
            at + ".id",
            "duplicate step id '" + step.id() + "' (also steps[" + index.get(step.id()) + "])");
      }
    }
    for (int i = 0; i < steps.size(); i++) {
      validateStep(steps.get(i), field + "[" + i + "]", index, knownCapabilities, scope, depth);
    }
    List<String> cycle = findCycle(steps);
    if (!cycle.isEmpty()) {
      throw new PlanRejectedException(
          field + "[" + index.get(cycle.get(0)) + "].dependsOn",
          scope.what() + " has a dependency cycle: " + String.join(" -> ", cycle));
    }
    Map<String, Set<String>> ancestors = ancestors(steps);
    for (int i = 0; i < steps.size(); i++) {
      StepSpec step = steps.get(i);
      validateReferences(step, field + "[" + i + "].input", ancestors, scope);
      if (step.kind().runsSubPlan()) {
        validateSteps(
            step.steps(),
            field + "[" + i + "].steps",
            knownCapabilities,
            scope.inside(step, ancestors.get(step.id())),
            depth);
      }
    }
  }

  private void validateStep(
      StepSpec step,
      String field,
      Map<String, Integer> index,
      Set<String> knownCapabilities,
      SubPlanScope scope,
      int depth) {
    if (!supportedKinds.contains(step.kind())) {
      throw new PlanRejectedException(
          field + ".kind",
          "step kind '" + step.kind().wire() + "' is not supported by this version");
    }
    Set<String> seen = new HashSet<>();
    for (String dependency : step.dependsOn()) {
      if (dependency == null || !index.containsKey(dependency)) {
        throw new PlanRejectedException(
            field + ".dependsOn",
            "step '" + step.id() + "' depends on unknown step '" + dependency + "'");
      }
      if (dependency.equals(step.id())) {
        throw new PlanRejectedException(
            field + ".dependsOn", "step '" + step.id() + "' depends on itself");
      }
      if (!seen.add(dependency)) {
        throw new PlanRejectedException(
            field + ".dependsOn", "step '" + step.id() + "' lists '" + dependency + "' twice");
      }
    }
    switch (step.kind()) {
      case AGENT -> validateAgent(step, field, knownCapabilities);
      case TRANSFORM -> {
        requireAbsent(step.capability(), field, "capability", step);
        require(step.expression(), field, "expression", step);
        compile(field + ".expression", () -> TransformExpression.compile(step.expression()));
      }
      case GATE -> {
        requireAbsent(step.capability(), field, "capability", step);
        require(step.condition(), field, "condition", step);
        compile(field + ".condition", () -> GateCondition.compile(step.condition()));
      }
      case WAIT -> {
        validateWait(step, field);
        duration(step.durationMs(), field + ".durationMs");
      }
      case MAP, LOOP -> subPlanFields.check(step, field, scope);
      case RUN -> validateChild(step, field, knownCapabilities, depth);
      default -> {
        // Kinds not yet supported were rejected above.
      }
    }
    requireAbsent(step.partOf(), field, "partOf", step);
    SubPlanFields.checkOthers(step, field, scope);
    if (step.kind() != StepKind.AGENT) {
      requireAbsent(step.tools(), field, "tools", step);
    }
    if (step.kind() != StepKind.RUN) {
      requireAbsent(step.intent(), field, "intent", step);
      requireAbsent(step.goal(), field, "goal", step);
      requireAbsent(step.plan(), field, "plan", step);
    }
    if (step.tools() == null) {
      requireAbsent(step.maxTurns(), field, "maxTurns", step);
      requireAbsent(step.maxToolCalls(), field, "maxToolCalls", step);
    }
    if (step.kind() != StepKind.WAIT) {
      requireAbsent(step.durationMs(), field, "durationMs", step);
      requireAbsent(step.signal(), field, "signal", step);
    }
    validateRetry(step.retry(), field + ".retry");
    validateTimeouts(step.timeouts(), field + ".timeouts");
    validateBudget(step.budget(), field + ".budget");
  }

  private static void validateAgent(StepSpec step, String field, Set<String> knownCapabilities) {
    require(step.capability(), field, "capability", step);
    if (!knownCapabilities.contains(step.capability())) {
      throw new PlanRejectedException(
          field + ".capability",
          "no agent offers capability '"
              + step.capability()
              + "'; known: "
              + knownCapabilities.stream().sorted().toList());
    }
    requireAbsent(step.expression(), field, "expression", step);
    requireAbsent(step.condition(), field, "condition", step);
    if (step.tools() != null) {
      validateTools(step, field, knownCapabilities);
    }
  }

  /**
   * A run step: exactly one source for its child run, no fields of agents, and a plan of its own
   * that is valid as a run's plan, one level deeper.
   */
  private void validateChild(
      StepSpec step, String field, Set<String> knownCapabilities, int depth) {
    int sources =
        (step.intent() != null ? 1 : 0)
            + (step.goal() != null ? 1 : 0)
            + (step.plan() != null ? 1 : 0);
    if (sources != 1) {
      throw new PlanRejectedException(
          field,
          "run step '"
              + step.id()
              + "' needs exactly one of 'intent', 'goal' or 'plan' for its child run (got "
              + sources
              + ")");
    }
    if (depth + 1 > child.maxDepth()) {
      throw new PlanRejectedException(
          field + ".kind",
          "run step '"
              + step.id()
              + "' would start a run "
              + (depth + 1)
              + " levels deep; at most "
              + child.maxDepth()
              + " are allowed (lattice.run.child.max-depth)");
    }
    requireAbsent(step.capability(), field, "capability", step);
    requireAbsent(step.model(), field, "model", step);
    requireAbsent(step.expression(), field, "expression", step);
    requireAbsent(step.condition(), field, "condition", step);
    if (step.timeouts() != null) {
      // A child run sends no heartbeats: its own steps do, to it.
      requireAbsent(step.timeouts().heartbeatMs(), field + ".timeouts", "heartbeatMs", step);
    }
    if (step.intent() != null) {
      require(step.intent(), field, "intent", step);
    }
    if (step.goal() != null) {
      require(step.goal(), field, "goal", step);
    }
    if (step.plan() != null) {
      validate(step.plan(), field + ".plan", knownCapabilities, depth + 1);
    }
  }

  /** The tools of an llm step: capabilities some agent offers, each once, and positive bounds. */
  private static void validateTools(StepSpec step, String field, Set<String> knownCapabilities) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < step.tools().size(); i++) {
      String tool = step.tools().get(i);
      String at = field + ".tools[" + i + "]";
      if (tool == null || !knownCapabilities.contains(tool)) {
        throw new PlanRejectedException(
            at,
            "no agent offers capability '"
                + tool
                + "' to call as a tool; known: "
                + knownCapabilities.stream().sorted().toList());
      }
      if (!seen.add(tool)) {
        throw new PlanRejectedException(
            at, "step '" + step.id() + "' lists tool '" + tool + "' twice");
      }
    }
    atLeastOne(step.maxTurns(), field + ".maxTurns");
    atLeastOne(step.maxToolCalls(), field + ".maxToolCalls");
  }

  private static void atLeastOne(Integer value, String field) {
    if (value != null && value < 1) {
      throw new PlanRejectedException(field, "must be at least 1");
    }
  }

  private static void validateWait(StepSpec step, String field) {
    // A wait is not retried and has no attempts to limit: a signal's timeout is its durationMs.
    requireNoAttempts(step, field);
    if (step.durationMs() == null && step.signal() == null) {
      throw new PlanRejectedException(
          field + ".durationMs",
          "wait step '"
              + step.id()
              + "' needs 'durationMs' (a timer), 'signal' (a named signal), or both (a signal"
              + " with a timeout)");
    }
    if (step.signal() != null && !SIGNAL.matcher(step.signal()).matches()) {
      throw new PlanRejectedException(
          field + ".signal",
          "signal name must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or"
              + " digit");
    }
  }

  /** A step that runs nothing itself: no agent, expression or condition, and no attempt policy. */
  static void requireNoAttempts(StepSpec step, String field) {
    requireAbsent(step.capability(), field, "capability", step);
    requireAbsent(step.expression(), field, "expression", step);
    requireAbsent(step.condition(), field, "condition", step);
    requireAbsent(step.retry(), field, "retry", step);
    requireAbsent(step.timeouts(), field, "timeouts", step);
    requireAbsent(step.budget(), field, "budget", step);
  }

  static void require(String value, String field, String name, StepSpec step) {
    if (value == null || value.isBlank()) {
      throw new PlanRejectedException(
          field + "." + name,
          step.kind().wire() + " step '" + step.id() + "' needs '" + name + "'");
    }
  }

  static void requireAbsent(Object value, String field, String name, StepSpec step) {
    if (value != null) {
      throw new PlanRejectedException(
          field + "." + name,
          "'" + name + "' does not apply to " + step.kind().wire() + " step '" + step.id() + "'");
    }
  }

  static void compile(String field, Runnable compile) {
    try {
      compile.run();
    } catch (IllegalArgumentException e) {
      throw new PlanRejectedException(field, e.getMessage());
    }
  }

  private void validateRetry(RetryPolicy retry, String field) {
    if (retry == null) {
      return;
    }
    if (retry.maxAttempts() != null && (retry.maxAttempts() < 1 || retry.maxAttempts() > 100)) {
      throw new PlanRejectedException(field + ".maxAttempts", "maxAttempts must be 1..100");
    }
    duration(retry.initialBackoffMs(), field + ".initialBackoffMs");
    duration(retry.maxBackoffMs(), field + ".maxBackoffMs");
    if (retry.multiplier() != null && retry.multiplier() < 1.0) {
      throw new PlanRejectedException(field + ".multiplier", "multiplier must be at least 1.0");
    }
    if (retry.jitter() != null && (retry.jitter() < 0 || retry.jitter() > 1)) {
      throw new PlanRejectedException(field + ".jitter", "jitter must be between 0 and 1");
    }
  }

  private void validateTimeouts(StepTimeouts timeouts, String field) {
    if (timeouts == null) {
      return;
    }
    positiveDuration(timeouts.scheduleToStartMs(), field + ".scheduleToStartMs");
    positiveDuration(timeouts.startToCloseMs(), field + ".startToCloseMs");
    positiveDuration(timeouts.heartbeatMs(), field + ".heartbeatMs");
  }

  private static void validateBudget(Budget budget, String field) {
    if (budget == null) {
      return;
    }
    if (budget.maxTokens() != null && budget.maxTokens() < 0) {
      throw new PlanRejectedException(field + ".maxTokens", "must not be negative");
    }
    if (budget.maxCostUsd() != null && budget.maxCostUsd().signum() < 0) {
      throw new PlanRejectedException(field + ".maxCostUsd", "must not be negative");
    }
  }

  /** A duration in milliseconds that must be more than zero and at most the maximum. */
  private void positiveDuration(Long millis, String field) {
    if (millis != null && millis <= 0) {
      throw new PlanRejectedException(field, "must be positive");
    }
    duration(millis, field);
  }

  /**
   * A duration in milliseconds that must not be negative nor longer than the maximum: durable
   * timers are tested and documented up to it, and deadlines computed from it stay far from any
   * overflow.
   */
  private void duration(Long millis, String field) {
    if (millis == null) {
      return;
    }
    if (millis < 0) {
      throw new PlanRejectedException(field, "must not be negative");
    }
    if (millis > maxDuration.toMillis()) {
      throw new PlanRejectedException(
          field,
          "must be at most "
              + maxDuration.toMillis()
              + " ms ("
              + readable(maxDuration)
              + "), the longest duration a plan may state; got "
              + millis
              + " ms");
    }
  }

  private static String readable(Duration duration) {
    long days = duration.toDays();
    if (duration.equals(Duration.ofDays(days))) {
      return days == 1 ? "1 day" : days + " days";
    }
    return duration.toString();
  }

  /** A cycle as a path of step ids that starts and ends at the same step, or empty. */
  private static List<String> findCycle(List<StepSpec> steps) {
    Map<String, List<String>> edges = new HashMap<>();
    steps.forEach(s -> edges.put(s.id(), s.dependsOn()));
    Map<String, Integer> color = new HashMap<>();
    for (StepSpec step : steps) {
      List<String> path = new ArrayList<>();
      if (visit(step.id(), edges, color, path)) {
        return path;
      }
    }
    return List.of();
  }

  private static boolean visit(
      String id, Map<String, List<String>> edges, Map<String, Integer> color, List<String> path) {
    int state = color.getOrDefault(id, 0);
    if (state == 2) {
      return false;
    }
    if (state == 1) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
      cycle.add(id);
      path.clear();
      path.addAll(cycle);
      return true;
    }
    color.put(id, 1);
    path.add(id);
    for (String dependency : edges.get(id)) {
      if (visit(dependency, edges, color, path)) {
        return true;
      }
    }
    path.remove(path.size() - 1);
    color.put(id, 2);
    return false;
  }

  /** For each step, every step it depends on directly or transitively (the plan is acyclic). */
  private static Map<String, Set<String>> ancestors(List<StepSpec> steps) {
    Map<String, StepSpec> byId = new HashMap<>();
    steps.forEach(s -> byId.put(s.id(), s));
    Map<String, Set<String>> result = new HashMap<>();
    for (StepSpec step : steps) {
      collectAncestors(step.id(), byId, result);
    }
    return result;
  }

  private static Set<String> collectAncestors(
      String id, Map<String, StepSpec> byId, Map<String, Set<String>> memo) {
    Set<String> known = memo.get(id);
    if (known != null) {
      return known;
    }
    Set<String> all = new HashSet<>();
    for (String dependency : byId.get(id).dependsOn()) {
      all.add(dependency);
      all.addAll(collectAncestors(dependency, byId, memo));
    }
    memo.put(id, all);
    return all;
  }

  private static void validateReferences(
      StepSpec step, String field, Map<String, Set<String>> ancestors, SubPlanScope scope) {
    List<InputTemplate.Reference> references;
    try {
      references = InputTemplate.references(step.input());
    } catch (IllegalArgumentException e) {
      throw new PlanRejectedException(field, e.getMessage());
    }
    for (InputTemplate.Reference reference : references) {
      String problem = scope.problem(reference, ancestors.get(step.id()), ancestors.keySet());
      if (problem != null) {
        throw new PlanRejectedException(
            field,
            "step '" + step.id() + "' refers to ${" + reference.text() + "}, but " + problem);
      }
    }
  }
}
