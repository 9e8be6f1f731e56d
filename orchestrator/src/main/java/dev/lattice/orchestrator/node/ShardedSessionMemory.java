package dev.lattice.orchestrator.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lattice.orchestrator.guard.Guarded;
import dev.lattice.orchestrator.guard.GuardedKind;
import dev.lattice.orchestrator.guard.Guardrails;
import dev.lattice.orchestrator.guard.Verdict;
import dev.lattice.orchestrator.session.SessionKey;
import dev.lattice.orchestrator.session.SessionStore;
import dev.lattice.persistence.payload.StoredTexts;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.llm.SessionExchange;
import dev.lattice.worker.action.llm.SessionMemory;
import dev.lattice.worker.action.llm.SessionStep;
import dev.lattice.worker.action.llm.SessionWindow;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The llm action's sessions are the cluster's sharded session entities ({@link SessionStore}),
 * their texts in the journal's database. A session remembers only what a run would take: an answer
 * or a summary that the node's guardrails refuse ({@code model-answer}, in {@code abort} mode) is
 * not kept. The run's dispatcher refuses the same answer, with its audit entry, as it does without
 * a session; a refused summary fails the attempt with {@code policy_denied}.
 */
final class ShardedSessionMemory implements SessionMemory {
  private final StoredTexts texts;
  private final Guardrails guardrails;
  private final Duration askTimeout;
  private final AtomicReference<SessionStore> store = new AtomicReference<>();

  ShardedSessionMemory(StoredTexts texts, Guardrails guardrails, Duration askTimeout) {
    this.texts = texts;
    this.guardrails = guardrails;
    this.askTimeout = askTimeout;
  }

  @Override
  public CompletionStage<SessionWindow> open(ActorSystem<?> system, SessionStep step) {
    return store(system).open(key(step), step.exchangeKey(), step.policy());
  }

  @Override
  public CompletionStage<Done> summarise(
      ActorSystem<?> system, SessionStep step, long basedOn, long before, String summary) {
    Optional<Verdict> refused = refusal(step, JsonNodeFactory.instance.textNode(summary));
    if (refused.isPresent()) {
      return CompletableFuture.failedFuture(
          new ActionException(
              ErrorClass.POLICY_DENIED,
              "the summary of session '"
                  + step.name()
                  + "' was refused by "
                  + refused.get().describe()));
    }
    return store(system)
        .summarise(key(step), basedOn, before, summary)
        .thenApply(taken -> Done.getInstance());
  }

  @Override
  public CompletionStage<Optional<SessionWindow.Answer>> append(
      ActorSystem<?> system, SessionStep step, SessionExchange exchange) {
    if (refusal(step, exchange.output()).isPresent()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return store(system)
        .append(
            key(step),
            step.exchangeKey(),
            exchange.messages(),
            exchange.model(),
            exchange.finishReason(),
            step.policy());
  }

  /** The first aborting finding of the guardrails on {@code answer}, as a model's answer. */
  private Optional<Verdict> refusal(SessionStep step, JsonNode answer) {
    return guardrails
        .check(
            new Guarded(GuardedKind.MODEL_ANSWER, step.tenant(), step.capability(), null, answer))
        .stream()
        .filter(Verdict::aborts)
        .findFirst();
  }

  private static SessionKey key(SessionStep step) {
    return new SessionKey(TenantId.of(step.tenant()), step.name());
  }

  /** The store of {@code system}: one per actor system, made at its first use. */
  private SessionStore store(ActorSystem<?> system) {
    SessionStore current = store.get();
    if (current != null && current.system() == system) {
      return current;
    }
    SessionStore made = new SessionStore(system, texts, askTimeout);
    store.set(made);
    return made;
  }
}
