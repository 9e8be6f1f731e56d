package dev.lattice.orchestrator.session;

import dev.lattice.persistence.journal.PersistenceSettings;
import dev.lattice.persistence.payload.StoredTexts;
import dev.lattice.protocol.session.MemoryPolicy;
import dev.lattice.protocol.session.SessionMessage;
import dev.lattice.protocol.session.SessionSummary;
import dev.lattice.protocol.session.SessionView;
import dev.lattice.worker.action.llm.ChatMessage;
import dev.lattice.worker.action.llm.SessionWindow;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Sessions as their users see them, texts and all: each call stores or reads the texts ({@link
 * StoredTexts}, blocking JDBC on the read models' dispatcher) and asks the session's entity,
 * wherever it lives. Texts are stored before the command that refers to them is sent, so an entity
 * never holds the hash of a text that is not stored.
 */
public final class SessionStore {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final StoredTexts texts;
  private final Duration askTimeout;
  private final Executor blocking;
  private final Executor executor;

  public SessionStore(ActorSystem<?> system, StoredTexts texts, Duration askTimeout) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.texts = texts;
    this.askTimeout = askTimeout;
    this.blocking =
        system
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig(PersistenceSettings.READ_MODEL_DISPATCHER));
    // Callbacks on the system's executor: completing them on the thread that finished a future
    // costs several times the throughput on a small machine.
    this.executor = system.executionContext();
  }

  /** The actor system whose sharding it asks. */
  public ActorSystem<?> system() {
    return system;
  }

  /** What the step {@code exchangeKey}, keeping {@code key} to {@code policy}, sends first. */
  public CompletionStage<SessionWindow> open(
      SessionKey key, String exchangeKey, MemoryPolicy policy) {
    return session(key)
        .<SessionEntity.Opened>ask(
            replyTo -> new SessionEntity.Open(exchangeKey, policy, replyTo), askTimeout)
        .thenComposeAsync(this::window, executor);
  }

  private CompletionStage<SessionWindow> window(SessionEntity.Opened opened) {
    Set<String> hashes = new LinkedHashSet<>();
    if (opened.answered() != null) {
      hashes.add(opened.answered().answerHash());
    } else {
      if (opened.summary() != null) {
        hashes.add(opened.summary().hash());
      }
      opened.window().messages().forEach(m -> hashes.add(m.hash()));
    }
    return read(hashes)
        .thenApply(
            found -> {
              if (opened.answered() != null) {
                return new SessionWindow(answer(opened.answered(), found), null, 0, List.of(), 0);
              }
              List<SessionWindow.Message> messages = new ArrayList<>();
              for (SessionState.Entry entry : opened.window().messages()) {
                messages.add(
                    new SessionWindow.Message(entry.seq(), entry.role(), found.get(entry.hash())));
              }
              SessionState.Summary summary = opened.summary();
              return new SessionWindow(
                  null,
                  summary == null ? null : found.get(summary.hash()),
                  summary == null ? 0 : summary.covers(),
                  messages,
                  opened.window().summariseBefore());
            });
  }

  /**
   * Appends the exchange of the step {@code exchangeKey}: its texts are stored, then the session
   * takes their hashes. Answers with the answer the session holds for the step when it is not this
   * exchange's (another attempt appended first).
   */
  public CompletionStage<Optional<SessionWindow.Answer>> append(
      SessionKey key,
      String exchangeKey,
      List<ChatMessage> messages,
      String model,
      String finishReason,
      MemoryPolicy policy) {
    List<SessionState.Message> hashed =
        messages.stream()
            .map(m -> new SessionState.Message(m.role(), StoredTexts.hash(m.content())))
            .toList();
    return store(messages.stream().map(ChatMessage::content).toList())
        .thenComposeAsync(
            stored ->
                session(key)
                    .<SessionEntity.Appended>ask(
                        replyTo ->
                            new SessionEntity.Append(
                                exchangeKey, hashed, model, finishReason, policy, replyTo),
                        askTimeout),
            executor)
        .thenComposeAsync(
            appended ->
                appended.now()
                    ? CompletableFuture.completedFuture(Optional.<SessionWindow.Answer>empty())
                    : read(List.of(appended.held().answerHash()))
                        .thenApply(found -> Optional.of(answer(appended.held(), found))),
            executor);
  }

  /**
   * Records {@code summary} of the messages before {@code before}, written on the summary that
   * covered those before {@code basedOn}; whether the session took it (it did not when another step
   * summarised it meanwhile).
   */
  public CompletionStage<Boolean> summarise(
      SessionKey key, long basedOn, long before, String summary) {
    String hash = StoredTexts.hash(summary);
    return store(List.of(summary))
        .thenComposeAsync(
            stored ->
                session(key)
                    .<SessionEntity.SummaryTaken>ask(
                        replyTo -> new SessionEntity.Summarise(basedOn, before, hash, replyTo),
                        askTimeout),
            executor)
        .thenApply(SessionEntity.SummaryTaken::taken);
  }

  /** The session as the API shows it; empty when it does not exist. */
  public CompletionStage<Optional<SessionView>> view(SessionKey key) {
    return session(key)
        .ask(SessionEntity.Get::new, askTimeout)
        .thenComposeAsync(
            found -> {
              SessionState state = found.state();
              if (!state.known()) {
                return CompletableFuture.completedFuture(Optional.<SessionView>empty());
              }
              Set<String> hashes = new LinkedHashSet<>();
              if (state.summary() != null) {
                hashes.add(state.summary().hash());
              }
              state.messages().forEach(m -> hashes.add(m.hash()));
              return read(hashes).thenApply(texts -> Optional.of(view(key, state, texts)));
            },
            executor);
  }

  /** Forgets the session; whether there was one. */
  public CompletionStage<Boolean> forget(SessionKey key) {
    return session(key)
        .ask(SessionEntity.Forget::new, askTimeout)
        .thenApply(SessionEntity.Forgot::existed);
  }

  private static SessionView view(SessionKey key, SessionState state, Map<String, String> texts) {
    SessionState.Summary summary = state.summary();
    return new SessionView(
        key.name(),
        key.tenant(),
        state.policy(),
        summary == null
            ? null
            : new SessionSummary(texts.get(summary.hash()), summary.hash(), summary.covers()),
        state.messages().stream()
            .map(m -> new SessionMessage(m.seq(), m.role(), texts.get(m.hash()), m.hash()))
            .toList(),
        state.exchanges(),
        state.appended(),
        state.summarised(),
        state.dropped(),
        state.createdAt(),
        state.updatedAt());
  }

  private static SessionWindow.Answer answer(
      SessionState.Remembered remembered, Map<String, String> texts) {
    return new SessionWindow.Answer(
        texts.get(remembered.answerHash()), remembered.model(), remembered.finishReason());
  }

  private EntityRef<SessionEntity.Command> session(SessionKey key) {
    return sharding.entityRefFor(SessionEntity.ENTITY_TYPE_KEY, key.entityId());
  }

  private CompletionStage<Void> store(Collection<String> all) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            texts.store(all);
          } catch (SQLException e) {
            throw new CompletionException("storing a session's texts failed: " + e.getMessage(), e);
          }
        },
        blocking);
  }

  private CompletionStage<Map<String, String>> read(Collection<String> hashes) {
    if (hashes.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return texts.read(hashes);
          } catch (SQLException e) {
            throw new CompletionException("reading a session's texts failed: " + e.getMessage(), e);
          }
        },
        blocking);
  }
}
