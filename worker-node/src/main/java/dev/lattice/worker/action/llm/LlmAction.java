package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.RejectedOutput;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The built-in {@code llm} action: one call to a language model over the OpenAI Chat Completions
 * protocol or Anthropic Messages, as configured under {@code lattice.llm}.
 *
 * <p>The step's input gives the conversation ({@code messages}, or {@code prompt} and {@code
 * system}) and may choose the {@code model}, {@code provider} or {@code profile} and set {@code
 * temperature}, {@code maxTokens}, {@code stop}, {@code schema} (structured output: the answer is
 * read as JSON and validated, and asked for again up to {@code maxRepairs} times when it fails; see
 * {@link RepairingCall}), {@code stream}, and {@code tools} and {@code toolChoice} (one model turn
 * that may call tools: the calls come back in the output's {@code toolCalls}, and the next turn
 * sends them with their results among its {@code messages}). An agent serving a capability that
 * names a profile uses that profile. The output is {@code {text | json, finishReason, model,
 * usage}}; the result's usage names the model that answered, and the dispatcher prices it. Failures
 * carry the canonical error classes (see {@link ProviderError}); the call is never retried here.
 *
 * <p>Nothing happens at construction: the HTTP client is made at the first call, on the agent's
 * actor system, so an unused set-up costs a node nothing.
 */
public final class LlmAction implements AgentAction {
  /** The name it is registered under. */
  public static final String NAME = "llm";

  private static final String TEXT = "text";

  private final LlmSettings settings;
  private final CallResolver resolver;
  private final ApiKeys keys;
  private final DeltaSink deltas;
  private final RateReports rateReports;
  private final Clock clock;
  private final AtomicReference<LlmClient> client = new AtomicReference<>();

  /**
   * The action of a node: keys from the node's environment, streamed text to {@code deltas}, what
   * providers' rate-limit headers say to {@code rateReports}.
   */
  public LlmAction(LlmSettings settings, DeltaSink deltas, RateReports rateReports) {
    this(settings, System::getenv, deltas, rateReports, Clock.systemUTC());
  }

  /**
   * @param environment environment variables by name (null when unset), where API keys are found
   * @param deltas where the text of streamed answers goes as it comes
   */
  public LlmAction(
      LlmSettings settings, UnaryOperator<String> environment, DeltaSink deltas, Clock clock) {
    this(settings, environment, deltas, RateReports.NONE, clock);
  }

  /**
   * @param environment environment variables by name (null when unset), where API keys are found
   * @param deltas where the text of streamed answers goes as it comes
   * @param rateReports where what providers' rate-limit headers say goes
   */
  public LlmAction(
      LlmSettings settings,
      UnaryOperator<String> environment,
      DeltaSink deltas,
      RateReports rateReports,
      Clock clock) {
    this.settings = settings;
    this.resolver = new CallResolver(settings);
    this.keys = new ApiKeys(environment);
    this.deltas = deltas;
    this.rateReports = rateReports;
    this.clock = clock;
  }

  @Override
  public CompletionStage<ActionResult> execute(ActionRequest request, ActionContext context) {
    if (context.system() == null) {
      return CompletableFuture.failedFuture(
          new ActionException(ErrorClass.AGENT_ERROR, "the llm action needs an actor system"));
    }
    LlmCall call;
    Optional<String> key;
    try {
      call = resolver.resolve(request);
      key = keys.keyFor(call.provider());
    } catch (ActionException e) {
      return CompletableFuture.failedFuture(e);
    }
    DeltaBatcher batcher =
        new DeltaBatcher(
            request.runId(),
            request.stepId(),
            request.attempt(),
            settings.deltas(),
            context.system(),
            clock,
            delta -> deltas.send(context.system(), delta));
    Consumer<String> onDelta =
        delta -> {
          batcher.text(delta);
          if (!context.heartbeat(request)) {
            throw new ActionException(ErrorClass.CANCELLED, "the attempt was withdrawn");
          }
        };
    LlmClient client = client(context);
    SpendCap cap = new SpendCap(settings.promptEstimate(), request.budget());
    if (call.wantsJson()) {
      return new RepairingCall(
              client,
              key,
              request.deadline(),
              onDelta,
              batcher::newTry,
              () -> context.heartbeat(request),
              settings.structuredOutput(),
              context.json(),
              context.executor(),
              cap)
          .call(call)
          // The last text goes to followers before the result leaves the worker.
          .whenComplete((accepted, failure) -> batcher.close())
          .thenApplyAsync(
              accepted ->
                  accepted.json() == null
                      ? result(
                          accepted.last(),
                          TEXT,
                          context.json().getNodeFactory().textNode(accepted.last().text()),
                          accepted.usage(),
                          accepted.rejected(),
                          context.json())
                      : result(
                          accepted.last(),
                          "json",
                          accepted.json(),
                          accepted.usage(),
                          accepted.rejected(),
                          context.json()),
              context.executor());
    }
    LlmCall sent;
    try {
      sent = cap.capped(call, Usage.NONE);
    } catch (ActionException e) {
      return CompletableFuture.failedFuture(e);
    }
    return client
        .call(sent, key, request.deadline(), onDelta)
        .whenComplete((answer, failure) -> batcher.close())
        .thenApplyAsync(
            answer ->
                result(
                    answer,
                    TEXT,
                    context.json().getNodeFactory().textNode(answer.text()),
                    answer.usage(),
                    List.of(),
                    context.json()),
            context.executor());
  }

  /**
   * The step's output: the answer ({@code text}, or {@code json} for structured output), the tools
   * it calls ({@code toolCalls}, when it calls any), why it ended, the model, and {@code usage},
   * that of every try.
   */
  private static ActionResult result(
      LlmAnswer answer,
      String field,
      JsonNode value,
      Usage usage,
      List<RejectedOutput> rejected,
      ObjectMapper json) {
    ObjectNode output = json.createObjectNode();
    output.set(field, value);
    if (answer.callsTools()) {
      ArrayNode calls = output.putArray("toolCalls");
      for (ToolCall call : answer.toolCalls()) {
        ObjectNode written = calls.addObject().put("id", call.id()).put("name", call.name());
        written.set("arguments", call.arguments());
        if (call.rawArguments() != null) {
          written.put("rawArguments", call.rawArguments());
        }
      }
    }
    output.put("finishReason", answer.finishReason());
    output.put("model", answer.model());
    output
        .putObject("usage")
        .put("promptTokens", usage.promptTokens())
        .put("completionTokens", usage.completionTokens())
        .put("cachedTokens", usage.cachedTokens())
        .put("reasoningTokens", usage.reasoningTokens());
    return new ActionResult(output, usage, rejected);
  }

  private LlmClient client(ActionContext context) {
    LlmClient current = client.get();
    if (current != null && current.system() == context.system()) {
      return current;
    }
    LlmClient made =
        new LlmClient(context.system(), settings.maxResponseBytes(), rateReports, clock);
    client.set(made);
    return made;
  }
}
