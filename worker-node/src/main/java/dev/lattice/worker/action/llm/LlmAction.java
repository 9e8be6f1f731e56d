package dev.lattice.worker.action.llm;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import io.opentelemetry.context.Context;
import java.time.Clock;
import java.time.Instant;
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
 * sends them with their results among its {@code messages}). A {@code session} (with its {@code
 * memory}) continues a conversation across runs ({@link RememberingCall}). An agent serving a
 * capability that names a profile uses that profile. The output is {@code {text | json,
 * finishReason, model, usage}}; the result's usage names the model that answered, and the
 * dispatcher prices it. Failures carry the canonical error classes (see {@link ProviderError}); the
 * call is never retried here.
 *
 * <p>Nothing happens at construction: the HTTP client is made at the first call, on the agent's
 * actor system, so an unused set-up costs a node nothing.
 */
public final class LlmAction implements AgentAction {
  /** The name it is registered under. */
  public static final String NAME = "llm";

  private final LlmSettings settings;
  private final CallResolver resolver;
  private final ApiKeys keys;
  private final DeltaSink deltas;
  private final RateReports rateReports;
  private final SessionMemory sessions;
  private final Clock clock;
  private final AtomicReference<LlmClient> client = new AtomicReference<>();

  /**
   * The action of a node: keys from the node's environment, streamed text to {@code deltas}, what
   * providers' rate-limit headers say to {@code rateReports}, the sessions steps name in {@code
   * sessions}.
   */
  public LlmAction(
      LlmSettings settings, DeltaSink deltas, RateReports rateReports, SessionMemory sessions) {
    this(settings, System::getenv, deltas, rateReports, sessions, Clock.systemUTC());
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
    this(settings, environment, deltas, rateReports, SessionMemory.NONE, clock);
  }

  /**
   * @param environment environment variables by name (null when unset), where API keys are found
   * @param deltas where the text of streamed answers goes as it comes
   * @param rateReports where what providers' rate-limit headers say goes
   * @param sessions where the sessions steps name are kept
   */
  public LlmAction(
      LlmSettings settings,
      UnaryOperator<String> environment,
      DeltaSink deltas,
      RateReports rateReports,
      SessionMemory sessions,
      Clock clock) {
    this.settings = settings;
    this.resolver = new CallResolver(settings);
    this.keys = new ApiKeys(environment);
    this.deltas = deltas;
    this.rateReports = rateReports;
    this.sessions = sessions;
    this.clock = clock;
  }

  @Override
  public CompletionStage<ActionResult> execute(ActionRequest request, ActionContext given) {
    if (given.system() == null) {
      return CompletableFuture.failedFuture(
          new ActionException(ErrorClass.AGENT_ERROR, "the llm action needs an actor system"));
    }
    // The continuations of its calls (a repair, a session's summary) run in the context current
    // now, its step attempt's: every model call's span hangs under the attempt.
    ActionContext context = given.withExecutor(Context.current().wrap(given.executor()));
    LlmCall call;
    Optional<String> key;
    SessionStep session;
    try {
      call = resolver.resolve(request);
      key = keys.keyFor(call.provider());
      session = SessionInput.step(request, call, settings.sessions());
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
    RememberingCall.Answering answering =
        (sent, before) ->
            answer(
                    sent,
                    before,
                    new Calling(client, key, request.deadline(), onDelta, cap),
                    request,
                    context,
                    batcher)
                // The last text goes to followers before the result leaves the worker.
                .whenComplete((answered, failure) -> batcher.close());
    if (session == null) {
      return answering.answer(call, Usage.NONE);
    }
    return new RememberingCall(
            sessions,
            context.system(),
            settings.sessions(),
            client,
            key,
            request.deadline(),
            cap,
            context.json(),
            context.executor())
        .call(session, call, answering)
        .whenComplete((answered, failure) -> batcher.close());
  }

  /** What a call is made with: the client, the key, the deadline, where text goes, the cap. */
  private record Calling(
      LlmClient client,
      Optional<String> key,
      Instant deadline,
      Consumer<String> onDelta,
      SpendCap cap) {}

  /**
   * The step's answer to {@code call}: one call, or as many as its structured output's repairs
   * take. The attempt used {@code before} ahead of it (a session's summary), which its usage and a
   * failure's include.
   */
  private CompletionStage<ActionResult> answer(
      LlmCall call,
      Usage before,
      Calling calling,
      ActionRequest request,
      ActionContext context,
      DeltaBatcher batcher) {
    if (call.wantsJson()) {
      return new RepairingCall(
              calling.client(),
              calling.key(),
              calling.deadline(),
              calling.onDelta(),
              batcher::newTry,
              () -> context.heartbeat(request),
              settings.structuredOutput(),
              context.json(),
              context.executor(),
              calling.cap())
          .call(call, before)
          .thenApplyAsync(
              accepted ->
                  accepted.json() == null
                      ? LlmOutput.of(
                          accepted.last(),
                          LlmOutput.TEXT,
                          context.json().getNodeFactory().textNode(accepted.last().text()),
                          accepted.usage(),
                          accepted.rejected(),
                          context.json())
                      : LlmOutput.of(
                          accepted.last(),
                          LlmOutput.JSON,
                          accepted.json(),
                          accepted.usage(),
                          accepted.rejected(),
                          context.json()),
              context.executor());
    }
    LlmCall sent;
    try {
      sent = calling.cap().capped(call, before);
    } catch (ActionException e) {
      return CompletableFuture.failedFuture(RememberingCall.carrying(e, before));
    }
    return calling
        .client()
        .call(sent, calling.key(), calling.deadline(), calling.onDelta())
        .handleAsync(
            (answer, failure) -> {
              if (failure != null) {
                throw RememberingCall.carrying(failure, before);
              }
              return LlmOutput.of(
                  answer,
                  LlmOutput.TEXT,
                  context.json().getNodeFactory().textNode(answer.text()),
                  before.plus(answer.usage()),
                  List.of(),
                  context.json());
            },
            context.executor());
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
