package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A call that continues a session ({@link SessionStep}). First the session is asked for its window:
 * the answer it holds for the step already (an earlier attempt appended it: the step answers with
 * it and calls no model), or the messages to send before the step's own. When the summary policy
 * asks for it, a summary is written first (a call of the step's model, whose usage counts as the
 * step's) and recorded. Then the call is made with the session's memory before the step's messages,
 * and its exchange is appended before the result leaves: an answer the step reports is always one
 * the session holds, and a step appends once however often it is tried.
 */
final class RememberingCall {
  /** The call itself (plain or repairing), the attempt having used {@code before} ahead of it. */
  @FunctionalInterface
  interface Answering {
    CompletionStage<ActionResult> answer(LlmCall call, Usage before);
  }

  private record Summarised(SessionWindow window, Usage used) {}

  private final SessionMemory memory;
  private final ActorSystem<?> system;
  private final SessionSettings settings;
  private final LlmClient client;
  private final Optional<String> key;
  private final Instant deadline;
  private final SpendCap cap;
  private final ObjectMapper json;
  private final Executor executor;

  RememberingCall(
      SessionMemory memory,
      ActorSystem<?> system,
      SessionSettings settings,
      LlmClient client,
      Optional<String> key,
      Instant deadline,
      SpendCap cap,
      ObjectMapper json,
      Executor executor) {
    this.memory = memory;
    this.system = system;
    this.settings = settings;
    this.client = client;
    this.key = key;
    this.deadline = deadline;
    this.cap = cap;
    this.json = json;
    this.executor = executor;
  }

  /** Answers {@code call}, the step's own, within {@code step}'s session. */
  CompletionStage<ActionResult> call(SessionStep step, LlmCall call, Answering answering) {
    return memory
        .open(system, step)
        .thenComposeAsync(
            window ->
                window.answered() != null
                    ? CompletableFuture.completedFuture(
                        LlmOutput.replayed(window.answered(), call.wantsJson(), Usage.NONE, json))
                    : summarised(step, call, window)
                        .thenComposeAsync(done -> answered(step, call, done, answering), executor),
            executor);
  }

  /** {@code window}, summarised first when its policy asks for it. */
  private CompletionStage<Summarised> summarised(
      SessionStep step, LlmCall call, SessionWindow window) {
    if (!window.summaryDue()) {
      return CompletableFuture.completedFuture(new Summarised(window, Usage.NONE));
    }
    LlmCall summary;
    try {
      summary = cap.capped(SessionSummaries.call(call, window, settings), Usage.NONE);
    } catch (ActionException e) {
      return CompletableFuture.failedFuture(e);
    }
    // The summary's text is not the step's answer: it does not stream to the run's followers.
    return client
        .call(summary, key, deadline, text -> {})
        .thenComposeAsync(
            answer ->
                memory
                    .summarise(
                        system,
                        step,
                        window.summaryCovers(),
                        window.summariseBefore(),
                        answer.text())
                    .handleAsync(
                        (done, failure) -> {
                          if (failure != null) {
                            throw carrying(failure, answer.usage());
                          }
                          return new Summarised(window.summarisedAs(answer.text()), answer.usage());
                        },
                        executor),
            executor);
  }

  private CompletionStage<ActionResult> answered(
      SessionStep step, LlmCall call, Summarised summarised, Answering answering) {
    LlmCall sent = call.withEarlier(summarised.window().history(settings.summaryPreamble()));
    return answering
        .answer(sent, summarised.used())
        .thenComposeAsync(result -> remembered(step, call, result), executor);
  }

  /** Appends the exchange of {@code result}; the answer the session holds is the step's. */
  private CompletionStage<ActionResult> remembered(
      SessionStep step, LlmCall call, ActionResult result) {
    JsonNode output = result.output();
    List<ChatMessage> messages = new ArrayList<>();
    call.messages().stream()
        .filter(m -> !ChatMessage.SYSTEM.equals(m.role()))
        .forEach(messages::add);
    messages.add(new ChatMessage(ChatMessage.ASSISTANT, LlmOutput.answerText(output)));
    SessionExchange exchange =
        new SessionExchange(
            messages,
            output.path("model").asText(null),
            output.path("finishReason").asText(null),
            output);
    return memory
        .append(system, step, exchange)
        .handleAsync(
            (held, failure) -> {
              if (failure != null) {
                throw carrying(failure, result.usage());
              }
              // Another attempt of the step appended first: its answer is the step's.
              return held.map(
                      other -> LlmOutput.replayed(other, call.wantsJson(), result.usage(), json))
                  .orElse(result);
            },
            executor);
  }

  /**
   * {@code failure}, carrying {@code used}: what the attempt spent before it failed counts as the
   * step's.
   */
  static RuntimeException carrying(Throwable failure, Usage used) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (used.totalTokens() == 0) {
      return cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
    }
    if (cause instanceof ActionException action) {
      return action.after(used, List.of());
    }
    return new ActionException(
        ErrorClass.AGENT_ERROR,
        cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + cause.getMessage()),
        used,
        cause);
  }
}
