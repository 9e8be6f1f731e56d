package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import java.time.Clock;
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
 * temperature}, {@code maxTokens}, {@code stop}, {@code schema} (structured output, parsed as JSON)
 * and {@code stream}. An agent serving a capability that names a profile uses that profile. The
 * output is {@code {text | json, finishReason, model, usage}}; the result's usage names the model
 * that answered, and the dispatcher prices it. Failures carry the canonical error classes (see
 * {@link ProviderError}); the call is never retried here.
 *
 * <p>Nothing happens at construction: the HTTP client is made at the first call, on the agent's
 * actor system, so an unused set-up costs a node nothing.
 */
public final class LlmAction implements AgentAction {
  /** The name it is registered under. */
  public static final String NAME = "llm";

  // Enough of an answer that is not JSON to see what came instead.
  private static final int QUOTED_ANSWER_CHARS = 200;

  private final LlmSettings settings;
  private final CallResolver resolver;
  private final ApiKeys keys;
  private final DeltaSink deltas;
  private final Clock clock;
  private final AtomicReference<LlmClient> client = new AtomicReference<>();

  /** The action of a node: keys from the node's environment, deltas to nobody yet. */
  public LlmAction(LlmSettings settings) {
    this(settings, System::getenv, DeltaSink.NONE, Clock.systemUTC());
  }

  /**
   * @param environment environment variables by name (null when unset), where API keys are found
   * @param deltas where the text of streamed answers goes as it comes
   */
  public LlmAction(
      LlmSettings settings, UnaryOperator<String> environment, DeltaSink deltas, Clock clock) {
    this.settings = settings;
    this.resolver = new CallResolver(settings);
    this.keys = new ApiKeys(environment);
    this.deltas = deltas;
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
    Consumer<String> onDelta =
        delta -> {
          deltas.delta(request.idempotencyKey(), delta);
          if (!context.heartbeat(request)) {
            throw new ActionException(ErrorClass.CANCELLED, "the attempt was withdrawn");
          }
        };
    return client(context)
        .call(call, key, request.deadline(), onDelta)
        .thenApplyAsync(answer -> result(call, answer, context.json()), context.executor());
  }

  private ActionResult result(LlmCall call, LlmAnswer answer, ObjectMapper json) {
    ObjectNode output = json.createObjectNode();
    if (call.wantsJson()) {
      output.set("json", parsed(answer, json));
    } else {
      output.put("text", answer.text());
    }
    output.put("finishReason", answer.finishReason());
    output.put("model", answer.model());
    Usage usage = answer.usage();
    output
        .putObject("usage")
        .put("promptTokens", usage.promptTokens())
        .put("completionTokens", usage.completionTokens())
        .put("cachedTokens", usage.cachedTokens())
        .put("reasoningTokens", usage.reasoningTokens());
    return ActionResult.of(output, usage);
  }

  /** The answer read as the JSON the step asked for; {@code malformed_output} if it is not. */
  private static JsonNode parsed(LlmAnswer answer, ObjectMapper json) {
    String text = unfenced(answer.text().strip());
    try {
      return json.readTree(text);
    } catch (JsonProcessingException e) {
      String quoted =
          text.length() > QUOTED_ANSWER_CHARS ? text.substring(0, QUOTED_ANSWER_CHARS) + "…" : text;
      throw new ActionException(
          ErrorClass.MALFORMED_OUTPUT,
          "the answer of model "
              + answer.model()
              + " is not the JSON the step asked for ("
              + e.getOriginalMessage()
              + "): "
              + quoted,
          answer.usage(),
          null);
    }
  }

  /** {@code text} without a Markdown code fence around it, which models add unasked. */
  private static String unfenced(String text) {
    if (!text.startsWith("```") || !text.endsWith("```") || text.length() < "``````".length()) {
      return text;
    }
    String inner = text.substring(3, text.length() - 3);
    int lineEnd = inner.indexOf('\n');
    // The opening fence may name a language (```json): skip to the end of its line.
    return (lineEnd >= 0 ? inner.substring(lineEnd + 1) : inner).strip();
  }

  private LlmClient client(ActionContext context) {
    LlmClient current = client.get();
    if (current != null && current.system() == context.system()) {
      return current;
    }
    LlmClient made = new LlmClient(context.system(), settings.maxResponseBytes(), clock);
    client.set(made);
    return made;
  }
}
