package dev.lattice.protocol.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.json.CanonicalJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One step of a plan, in the flat form of the wire format. Which fields apply depends on the {@link
 * StepKind}; the plan validator says precisely when one is missing or out of place.
 *
 * @param id unique within the plan
 * @param kind what the step does; {@code agent} when absent
 * @param dependsOn ids of the steps that must succeed before this one runs
 * @param input the step's input, a template over the run payload and earlier outputs (see
 *     docs/api.md); when absent, the payload for a step without dependencies, otherwise the
 *     dependencies' outputs keyed by step id
 * @param capability agent steps: the capability a worker agent must offer
 * @param model agent steps: the model to use, if the capability has several
 * @param budget agent steps: limits for each attempt
 * @param retry retry policy; missing fields come from the plan and then from configuration
 * @param timeouts time limits
 * @param expression transform steps: a JSONata expression over {@code {payload, steps}}
 * @param condition gate steps: a CEL expression over {@code payload} and {@code steps}
 * @param onFalse gate steps: what a false condition does; {@code fail} when absent
 * @param durationMs wait steps: a durable timer
 * @param signal wait steps: the name of the signal that completes the step
 * @param url notify steps: the webhook to call
 * @param tools agent steps of an llm capability: the capabilities the model may call as tools; the
 *     step then runs as a tool loop, one turn and one call at a time, each a step of its own
 * @param maxTurns with {@code tools}: how many model turns the loop may take at most
 * @param maxToolCalls with {@code tools}: how many tool calls it may make at most
 * @param partOf set by the run on the steps it adds for a tool loop; never in a plan sent to it
 * @param steps map and loop steps: the sub-plan run for each element or iteration
 * @param concurrency map steps: how many elements run at once at most
 * @param onElementFailure map steps: what an element that fails does; {@code fail} when absent
 * @param maxIterations loop steps: how many iterations the loop may run at most
 * @param until loop steps: a CEL expression over the iteration just finished; the loop ends when it
 *     holds
 * @param within set by the run on the steps it adds for a map or a loop; never in a plan sent to it
 * @param intent run steps: the named intent the child run plans from
 * @param goal run steps: the goal a planner turns into the child run's plan
 * @param plan run steps: the child run's own plan
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepSpec(
    String id,
    StepKind kind,
    List<String> dependsOn,
    JsonNode input,
    String capability,
    String model,
    Budget budget,
    RetryPolicy retry,
    StepTimeouts timeouts,
    String expression,
    String condition,
    GateFallback onFalse,
    Long durationMs,
    String signal,
    String url,
    List<String> tools,
    Integer maxTurns,
    Integer maxToolCalls,
    LoopPart partOf,
    List<StepSpec> steps,
    Integer concurrency,
    ElementFailure onElementFailure,
    Integer maxIterations,
    String until,
    SubPlanPart within,
    String intent,
    String goal,
    PlanSpec plan) {

  public StepSpec {
    kind = kind == null ? StepKind.AGENT : kind;
    dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    input = CanonicalJson.of(input);
    tools = tools == null || tools.isEmpty() ? null : List.copyOf(tools);
    // Null elements are the validator's to report, so they are kept.
    steps = steps == null ? null : Collections.unmodifiableList(new ArrayList<>(steps));
  }

  /** A step that runs no sub-plan. */
  public StepSpec(
      String id,
      StepKind kind,
      List<String> dependsOn,
      JsonNode input,
      String capability,
      String model,
      Budget budget,
      RetryPolicy retry,
      StepTimeouts timeouts,
      String expression,
      String condition,
      GateFallback onFalse,
      Long durationMs,
      String signal,
      String url,
      List<String> tools,
      Integer maxTurns,
      Integer maxToolCalls,
      LoopPart partOf) {
    this(
        id,
        kind,
        dependsOn,
        input,
        capability,
        model,
        budget,
        retry,
        timeouts,
        expression,
        condition,
        onFalse,
        durationMs,
        signal,
        url,
        tools,
        maxTurns,
        maxToolCalls,
        partOf,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** A step that offers no tools. */
  public StepSpec(
      String id,
      StepKind kind,
      List<String> dependsOn,
      JsonNode input,
      String capability,
      String model,
      Budget budget,
      RetryPolicy retry,
      StepTimeouts timeouts,
      String expression,
      String condition,
      GateFallback onFalse,
      Long durationMs,
      String signal,
      String url) {
    this(
        id,
        kind,
        dependsOn,
        input,
        capability,
        model,
        budget,
        retry,
        timeouts,
        expression,
        condition,
        onFalse,
        durationMs,
        signal,
        url,
        null,
        null,
        null,
        null);
  }

  /** Whether this step runs as a tool loop: it offers its model tools. */
  public boolean toolLoop() {
    return tools != null && partOf == null;
  }

  /**
   * Whether the run carries this step out through steps it adds (a tool loop, a map, a loop): it is
   * never sent anywhere itself, and holds no attempt of its own.
   */
  public boolean runsParts() {
    return toolLoop() || kind.runsSubPlan();
  }

  /** Whether the run added this step for a tool loop, a map or a loop. */
  public boolean added() {
    return partOf != null || within != null;
  }

  /**
   * This sub-plan step as the run adds it for {@code part}: with id {@code id} and its
   * dependencies' ids {@code dependsOn}.
   */
  public StepSpec addedAs(String id, List<String> dependsOn, SubPlanPart part) {
    return new StepSpec(
        id,
        kind,
        dependsOn,
        input,
        capability,
        model,
        budget,
        retry,
        timeouts,
        expression,
        condition,
        onFalse,
        durationMs,
        signal,
        url,
        tools,
        maxTurns,
        maxToolCalls,
        partOf,
        steps,
        concurrency,
        onElementFailure,
        maxIterations,
        until,
        part,
        intent,
        goal,
        plan);
  }

  /** This step offering {@code names} as tools, with the loop's limits (null: the defaults). */
  public StepSpec withTools(List<String> names, Integer turns, Integer calls) {
    return new StepSpec(
        id,
        kind,
        dependsOn,
        input,
        capability,
        model,
        budget,
        retry,
        timeouts,
        expression,
        condition,
        onFalse,
        durationMs,
        signal,
        url,
        names,
        turns,
        calls,
        partOf,
        steps,
        concurrency,
        onElementFailure,
        maxIterations,
        until,
        within,
        intent,
        goal,
        plan);
  }

  /** An agent step that needs {@code capability}. */
  public static StepSpec agent(String id, String capability, JsonNode input, String... dependsOn) {
    return new StepSpec(
        id,
        StepKind.AGENT,
        List.of(dependsOn),
        input,
        capability,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /**
   * The planner step of a goal's run: asks {@code capability}'s model for a plan, with what {@code
   * input} records, in at most {@code maxTurns} turns.
   */
  public static StepSpec planner(String id, String capability, JsonNode input, int maxTurns) {
    return agent(id, capability, input).withKind(StepKind.PLAN).withTools(null, maxTurns, null);
  }

  /** This step, of kind {@code value}. */
  private StepSpec withKind(StepKind value) {
    return new StepSpec(
        id,
        value,
        dependsOn,
        input,
        capability,
        model,
        budget,
        retry,
        timeouts,
        expression,
        condition,
        onFalse,
        durationMs,
        signal,
        url,
        tools,
        maxTurns,
        maxToolCalls,
        partOf);
  }

  /**
   * A step a run adds for a tool loop ({@code part}): an agent step of {@code capability} without
   * dependencies, with the loop step's limits.
   */
  public static StepSpec loopPart(
      String id,
      LoopPart part,
      String capability,
      JsonNode input,
      String model,
      Budget budget,
      RetryPolicy retry,
      StepTimeouts timeouts) {
    return new StepSpec(
        id,
        StepKind.AGENT,
        List.of(),
        input,
        capability,
        model,
        budget,
        retry,
        timeouts,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        part);
  }

  /** A transform step evaluating a JSONata {@code expression}. */
  public static StepSpec transform(String id, String expression, String... dependsOn) {
    return new StepSpec(
        id,
        StepKind.TRANSFORM,
        List.of(dependsOn),
        null,
        null,
        null,
        null,
        null,
        null,
        expression,
        null,
        null,
        null,
        null,
        null);
  }

  /** A gate step with a CEL {@code condition}. */
  public static StepSpec gate(
      String id, String condition, GateFallback onFalse, String... dependsOn) {
    return new StepSpec(
        id,
        StepKind.GATE,
        List.of(dependsOn),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        condition,
        onFalse,
        null,
        null,
        null);
  }

  /**
   * A wait step: a durable timer of {@code durationMs}, the signal {@code signal}, or that signal
   * with {@code durationMs} as its timeout.
   */
  public static StepSpec waitFor(String id, Long durationMs, String signal, String... dependsOn) {
    return new StepSpec(
        id,
        StepKind.WAIT,
        List.of(dependsOn),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        durationMs,
        signal,
        null);
  }

  /**
   * A run step: a child run of {@code intent}, {@code goal} or {@code plan} (one of them), with
   * {@code input} as its payload.
   */
  public static StepSpec child(
      String id, String intent, String goal, PlanSpec plan, JsonNode input, String... dependsOn) {
    return new StepSpec(
        id,
        StepKind.RUN,
        List.of(dependsOn),
        input,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        intent,
        goal,
        plan);
  }

  /** This step with another retry policy. */
  public StepSpec withRetry(RetryPolicy policy) {
    return new StepSpec(
        id,
        kind,
        dependsOn,
        input,
        capability,
        model,
        budget,
        policy,
        timeouts,
        expression,
        condition,
        onFalse,
        durationMs,
        signal,
        url,
        tools,
        maxTurns,
        maxToolCalls,
        partOf,
        steps,
        concurrency,
        onElementFailure,
        maxIterations,
        until,
        within,
        intent,
        goal,
        plan);
  }

  /** This step with other timeouts. */
  public StepSpec withTimeouts(StepTimeouts limits) {
    return new StepSpec(
        id,
        kind,
        dependsOn,
        input,
        capability,
        model,
        budget,
        retry,
        limits,
        expression,
        condition,
        onFalse,
        durationMs,
        signal,
        url,
        tools,
        maxTurns,
        maxToolCalls,
        partOf,
        steps,
        concurrency,
        onElementFailure,
        maxIterations,
        until,
        within,
        intent,
        goal,
        plan);
  }

  /** This step with another model. */
  public StepSpec withModel(String name) {
    return new StepSpec(
        id,
        kind,
        dependsOn,
        input,
        capability,
        name,
        budget,
        retry,
        timeouts,
        expression,
        condition,
        onFalse,
        durationMs,
        signal,
        url,
        tools,
        maxTurns,
        maxToolCalls,
        partOf);
  }

  /** This step with another budget. */
  public StepSpec withBudget(Budget limits) {
    return new StepSpec(
        id,
        kind,
        dependsOn,
        input,
        capability,
        model,
        limits,
        retry,
        timeouts,
        expression,
        condition,
        onFalse,
        durationMs,
        signal,
        url,
        tools,
        maxTurns,
        maxToolCalls,
        partOf,
        steps,
        concurrency,
        onElementFailure,
        maxIterations,
        until,
        within,
        intent,
        goal,
        plan);
  }
}
