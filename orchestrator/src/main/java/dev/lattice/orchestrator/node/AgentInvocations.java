package dev.lattice.orchestrator.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.orchestrator.directory.CapabilityCategories;
import dev.lattice.orchestrator.plan.PlanRejectedException;
import dev.lattice.protocol.api.AgentView;
import dev.lattice.protocol.api.CapabilityCategory;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.Invocation;
import dev.lattice.protocol.api.InvokeRequest;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.StepSpec;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Direct invocation: one agent, or one capability, run as a durable run of one {@code agent} step.
 * The run starts through the same path as any other ({@link RunCommands#execute}), so plan
 * validation, allow-lists, budgets, admission and audit all apply.
 *
 * <p>The step's input is the run's payload, untouched by templates (the step names no input): the
 * task is text from a person, and must not be read as a template. For a model capability the task
 * is the prompt; for any other it is the input's {@code task} field.
 */
final class AgentInvocations {
  /** The id of the one step of an invocation's run. */
  static final String STEP_ID = "invoke";

  /** How a refused plan names the fields of its one step. */
  private static final String STEP_FIELD = "plan.steps[0].";

  private final Supplier<CompletionStage<List<AgentView>>> agents;
  private final RunCommands commands;
  private final CapabilityCategories categories;
  private final Executor executor;

  AgentInvocations(
      Supplier<CompletionStage<List<AgentView>>> agents,
      RunCommands commands,
      CapabilityCategories categories,
      Executor executor) {
    this.agents = agents;
    this.commands = commands;
    this.categories = categories;
    this.executor = executor;
  }

  /** Starts the run that invokes {@code target}, an agent id or a capability. */
  CompletionStage<Invocation> invoke(String target, InvokeRequest request, String idempotencyKey) {
    try {
      checkShape(request);
    } catch (InvalidInvocationException invalid) {
      return CompletableFuture.failedFuture(invalid);
    }
    return agents
        .get()
        .thenComposeAsync(
            known -> {
              String capability = capability(target, request, known);
              ExecuteRequest run =
                  new ExecuteRequest(
                      request.tenant(),
                      input(capability, request),
                      null,
                      null,
                      null,
                      plan(capability, request),
                      null);
              return commands
                  .execute(run, idempotencyKey)
                  .exceptionallyCompose(AgentInvocations::inRequestTerms)
                  .thenApply(
                      accepted ->
                          new Invocation(
                              accepted.runId(), STEP_ID, capability, accepted.created()));
            },
            executor);
  }

  /**
   * A refused plan names its field in the plan the invocation built; the caller knows only its
   * request, so the field is named there ({@code budget.maxTokens}, {@code input}).
   */
  private static CompletionStage<RunAccepted> inRequestTerms(Throwable failure) {
    Throwable cause = Failures.cause(failure);
    if (cause instanceof PlanRejectedException rejected && rejected.field() != null) {
      String field = rejected.field();
      String renamed =
          field.startsWith(STEP_FIELD)
              ? field.substring(STEP_FIELD.length())
              : field.equals("payload") || field.startsWith("payload.")
                  ? "input" + field.substring("payload".length())
                  : field;
      return CompletableFuture.failedFuture(new PlanRejectedException(renamed, rejected.reason()));
    }
    return CompletableFuture.failedFuture(cause);
  }

  private static void checkShape(InvokeRequest request) {
    boolean hasTask = request.task() != null;
    if (hasTask && request.task().isBlank()) {
      throw new InvalidInvocationException("task", "task must not be blank");
    }
    JsonNode input = request.input();
    boolean hasInput = input != null && !input.isNull();
    if (hasInput && !input.isObject()) {
      throw new InvalidInvocationException("input", "input must be a JSON object");
    }
    if (!hasTask && !hasInput) {
      throw new InvalidInvocationException("task", "give a task, an input, or both");
    }
  }

  /**
   * The capability {@code target} stands for: an agent's (the one the request names, or its only
   * one), else {@code target} itself when some agent serves it.
   */
  private static String capability(String target, InvokeRequest request, List<AgentView> known) {
    String named = request.capability();
    Optional<AgentView> agent = known.stream().filter(a -> a.agentId().equals(target)).findFirst();
    if (agent.isPresent()) {
      List<String> served = agent.get().capabilities();
      if (named != null) {
        if (!served.contains(named)) {
          throw new InvalidInvocationException(
              "capability",
              "agent " + target + " does not serve '" + named + "'; it serves " + served);
        }
        return named;
      }
      if (served.size() != 1) {
        throw new InvalidInvocationException(
            "capability",
            "agent "
                + target
                + " serves several capabilities "
                + served
                + "; name one in capability");
      }
      return served.get(0);
    }
    if (known.stream().anyMatch(a -> a.serves(target))) {
      if (named != null && !named.equals(target)) {
        throw new InvalidInvocationException(
            "capability",
            "the path names capability '" + target + "'; capability must be it or absent");
      }
      return target;
    }
    throw new UnknownAgentException(
        "no agent is called '"
            + target
            + "' and none serves a capability of that name; GET"
            + " /api/v1/agents lists them");
  }

  /** The step's input: the request's, with the task as its prompt or its {@code task} field. */
  private JsonNode input(String capability, InvokeRequest request) {
    ObjectNode input =
        request.input() == null || request.input().isNull()
            ? JsonNodeFactory.instance.objectNode()
            : ((ObjectNode) request.input()).deepCopy();
    boolean model = categories.of(capability) == CapabilityCategory.LLM;
    if (request.task() != null) {
      String field = model ? "prompt" : "task";
      if (input.has(field) || (model && input.has("messages"))) {
        throw new InvalidInvocationException(
            "task",
            "the input already has '"
                + (input.has(field) ? field : "messages")
                + "'; give the task there or in task, not both");
      }
      input.put(field, request.task());
    }
    if (model && request.streamed() && !input.has("stream")) {
      // Whoever follows the run sees the answer as it comes.
      input.put("stream", true);
    }
    return input;
  }

  private static PlanSpec plan(String capability, InvokeRequest request) {
    // The step names no input: it gets the run's payload as it is.
    StepSpec step = StepSpec.agent(STEP_ID, capability, null).withBudget(request.budget());
    return PlanSpec.of(step.withModel(request.model()));
  }
}
