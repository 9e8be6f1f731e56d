package dev.lattice.worker.action.llm;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Where the sessions that llm steps name are kept, wherever in the cluster that is. Every call is
 * asynchronous and must not block its caller; a failure fails the attempt (an {@link
 * ActionException} keeps its class, anything else is {@code agent_error}, which is retried).
 */
public interface SessionMemory {
  /** A node that keeps no sessions: a step naming one fails with {@code invalid_input}. */
  SessionMemory NONE =
      new SessionMemory() {
        @Override
        public CompletionStage<SessionWindow> open(ActorSystem<?> system, SessionStep step) {
          return CompletableFuture.failedFuture(
              new ActionException(
                  ErrorClass.INVALID_INPUT, "this llm action keeps no sessions ('session')"));
        }

        @Override
        public CompletionStage<Done> summarise(
            ActorSystem<?> system, SessionStep step, long basedOn, long before, String summary) {
          return open(system, step).thenApply(window -> Done.getInstance());
        }

        @Override
        public CompletionStage<Optional<SessionWindow.Answer>> append(
            ActorSystem<?> system, SessionStep step, SessionExchange exchange) {
          return open(system, step).thenApply(window -> Optional.empty());
        }
      };

  /**
   * What the step sends before its own messages, as its memory policy has it, or the answer the
   * session already holds for it.
   */
  CompletionStage<SessionWindow> open(ActorSystem<?> system, SessionStep step);

  /**
   * Replaces the messages before {@code before} (and the summary covering those before {@code
   * basedOn}) by {@code summary}. Changes nothing when the session's summary no longer covers
   * {@code basedOn} messages: another step summarised it meanwhile.
   */
  CompletionStage<Done> summarise(
      ActorSystem<?> system, SessionStep step, long basedOn, long before, String summary);

  /**
   * Appends the step's exchange, once per {@link SessionStep#exchangeKey}. Answers with the answer
   * the session holds for the step when it is not this one (another attempt of the step appended
   * first); empty when this one was appended, or when the node's guardrails refuse it (then the
   * session is left as it was, and the run refuses the answer the same way).
   */
  CompletionStage<Optional<SessionWindow.Answer>> append(
      ActorSystem<?> system, SessionStep step, SessionExchange exchange);
}
