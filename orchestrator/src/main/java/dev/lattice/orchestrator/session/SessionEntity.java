package dev.lattice.orchestrator.session;

import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.session.MemoryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * One session of one tenant ({@link SessionKey}): the conversation llm steps naming it continue
 * across runs. A step asks for its window ({@link Open}) before its call and appends its exchange
 * ({@link Append}) before it succeeds, keyed by the step so that it is appended once however often
 * the step is tried; a summary policy's summary is recorded ({@link Summarise}) when it is written.
 *
 * <p>Lifecycle: a session exists from its first exchange until it is forgotten ({@link Forget}); an
 * exchange after that begins it anew. It holds hashes only: every text (messages, answers,
 * summaries) is stored once by content before the command that refers to it is sent. Invariants: it
 * holds at most {@code lattice.sessions.max-stored-messages} messages, and never the same step's
 * exchange twice within the exchanges it remembers. Its state and decisions are {@link
 * SessionState}'s.
 */
public final class SessionEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        SessionEntity.Command, SessionEntity.Event, SessionState> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "Session");

  /** Starts sharding of sessions (on nodes with {@code role}; a proxy elsewhere). */
  public static void init(
      ActorSystem<?> system, SessionStoreSettings settings, Clock clock, String role) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_TYPE_KEY,
                    entity -> create(SessionKey.parse(entity.getEntityId()), settings, clock))
                .withRole(role));
  }

  /** Messages of a session. */
  public sealed interface Command extends CborSerializable {}

  /**
   * Answer what a step keeping the session to {@code policy} sends before its own messages, or the
   * exchange it appended already under {@code exchangeKey}.
   */
  public record Open(String exchangeKey, MemoryPolicy policy, ActorRef<Opened> replyTo)
      implements Command {}

  /**
   * Append the exchange of the step {@code key}: its {@code messages} (stored already), the answer
   * last, then keep the session to {@code policy}. Appending a key again changes nothing.
   */
  public record Append(
      String key,
      List<SessionState.Message> messages,
      String model,
      String finishReason,
      MemoryPolicy policy,
      ActorRef<Appended> replyTo)
      implements Command {
    public Append {
      messages = List.copyOf(messages);
      if (messages.isEmpty()) {
        throw new IllegalArgumentException("an exchange has at least its answer");
      }
    }
  }

  /**
   * Replace the messages before {@code before} by the summary stored under {@code hash}, written on
   * the summary that covered those before {@code basedOn} (0: none); taken only while that is still
   * the session's summary.
   */
  public record Summarise(long basedOn, long before, String hash, ActorRef<SummaryTaken> replyTo)
      implements Command {}

  /** Answer the session's state. */
  public record Get(ActorRef<Found> replyTo) implements Command {}

  /** Forget the session: it no longer exists. */
  public record Forget(ActorRef<Forgot> replyTo) implements Command {}

  /**
   * The answer to {@link Open}.
   *
   * @param answered the exchange the step appended already; null when it has not
   * @param summary the session's summary; null when it has none
   * @param window what the step sends before its own messages
   */
  public record Opened(
      SessionState.Remembered answered, SessionState.Summary summary, SessionState.Window window)
      implements CborSerializable {}

  /**
   * The answer to {@link Append}: the exchange the session holds for the step, and whether it is
   * the one just appended.
   */
  public record Appended(SessionState.Remembered held, boolean now) implements CborSerializable {}

  /** The answer to {@link Summarise}: whether the summary was taken. */
  public record SummaryTaken(boolean taken) implements CborSerializable {}

  /** The answer to {@link Get}; its state is {@link SessionState#EMPTY} for no such session. */
  public record Found(SessionState state) implements CborSerializable {}

  /** The answer to {@link Forget}: whether there was a session to forget. */
  public record Forgot(boolean existed) implements CborSerializable {}

  /** Events of a session. */
  public sealed interface Event extends CborSerializable {}

  /**
   * The exchange of the step {@code key} was appended, and the session then began at {@code
   * keepFrom} (the messages before it were forgotten).
   */
  public record ExchangeAppended(
      String key,
      List<SessionState.Message> messages,
      String model,
      String finishReason,
      MemoryPolicy policy,
      long keepFrom,
      Instant at)
      implements Event {
    public ExchangeAppended {
      messages = List.copyOf(messages);
    }
  }

  /** The summary stored under {@code hash} replaced the messages before {@code before}. */
  public record Summarised(String hash, long before, Instant at) implements Event {}

  /** The session was forgotten. */
  public record Forgotten(Instant at) implements Event {}

  /** The session {@code key}. */
  public static Behavior<Command> create(
      SessionKey key, SessionStoreSettings settings, Clock clock) {
    return new SessionEntity(key, settings, clock);
  }

  private final SessionStoreSettings settings;
  private final Clock clock;

  private SessionEntity(SessionKey key, SessionStoreSettings settings, Clock clock) {
    super(
        PersistenceId.of(ENTITY_TYPE_KEY.name(), key.entityId()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public SessionState emptyState() {
    return SessionState.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Old events stay (see DESIGN.md on deleting events); snapshots bound recovery.
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, SessionState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Open.class, this::onOpen)
        .onCommand(Append.class, this::onAppend)
        .onCommand(Summarise.class, this::onSummarise)
        .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), new Found(state)))
        .onCommand(Forget.class, this::onForget)
        .build();
  }

  private ReplyEffect<Event, SessionState> onOpen(SessionState state, Open open) {
    SessionState.Remembered answered = state.remembered(open.exchangeKey()).orElse(null);
    return Effect()
        .reply(open.replyTo(), new Opened(answered, state.summary(), state.window(open.policy())));
  }

  private ReplyEffect<Event, SessionState> onAppend(SessionState state, Append append) {
    SessionState.Remembered held = state.remembered(append.key()).orElse(null);
    if (held != null) {
      return Effect().reply(append.replyTo(), new Appended(held, false));
    }
    long keepFrom =
        state.keepFrom(
            append.messages().stream().map(SessionState.Message::role).toList(),
            append.policy(),
            settings.maxStoredMessages());
    ExchangeAppended appended =
        new ExchangeAppended(
            append.key(),
            append.messages(),
            append.model(),
            append.finishReason(),
            append.policy(),
            keepFrom,
            clock.instant());
    return Effect()
        .persist(appended)
        .thenReply(
            append.replyTo(),
            after -> new Appended(after.remembered(append.key()).orElseThrow(), true));
  }

  private ReplyEffect<Event, SessionState> onSummarise(SessionState state, Summarise summarise) {
    if (!state.takesSummary(summarise.basedOn(), summarise.before())) {
      return Effect().reply(summarise.replyTo(), new SummaryTaken(false));
    }
    return Effect()
        .persist(new Summarised(summarise.hash(), summarise.before(), clock.instant()))
        .thenReply(summarise.replyTo(), after -> new SummaryTaken(true));
  }

  private ReplyEffect<Event, SessionState> onForget(SessionState state, Forget forget) {
    if (!state.known()) {
      return Effect().reply(forget.replyTo(), new Forgot(false));
    }
    return Effect()
        .persist(new Forgotten(clock.instant()))
        .thenReply(forget.replyTo(), after -> new Forgot(true));
  }

  @Override
  public EventHandler<SessionState, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            ExchangeAppended.class,
            (state, event) -> state.with(event, settings.rememberedExchanges()))
        .onEvent(Summarised.class, SessionState::with)
        .onEvent(Forgotten.class, (state, event) -> SessionState.EMPTY)
        .build();
  }
}
