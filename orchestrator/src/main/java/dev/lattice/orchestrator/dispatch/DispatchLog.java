package dev.lattice.orchestrator.dispatch;

import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.Audited;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.BusKey;
import dev.lattice.protocol.journal.GroupCommit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The durable record of one dispatcher's decisions: assignments accepted, routed and finished.
 * Replaying it rebuilds the dispatcher's queue after a restart, and it is the dispatcher's audit
 * trail.
 *
 * <p>Decisions arrive from the {@link Dispatcher} as they are made and are written in batches, one
 * {@link Batch} event per write (a {@link GroupCommit}): at once when work is waiting for an agent
 * (the queue must survive a crash), otherwise within a short delay, so that routing never waits for
 * a write. Decisions of the last few milliseconds can be lost in a crash; runs re-send what they
 * have not heard back about, so nothing acknowledged is lost.
 */
public final class DispatchLog
    extends EventSourcedBehaviorWithEnforcedReplies<
        DispatchLog.Command, DispatchLog.Batch, DispatcherState> {

  /** Messages of the log. */
  public sealed interface Command extends CborSerializable {}

  /** Record {@code decisions}; {@code urgent} when work is waiting, so it is written at once. */
  public record Record(Batch decisions, boolean urgent) implements Command {}

  enum Flush implements Command {
    INSTANCE
  }

  /** What the log recovered, sent to its dispatcher once. */
  public record Recovered(DispatcherState state) {}

  /**
   * Decisions made together: assignments accepted, routed (to an agent, or back to the queue when
   * {@code agentId} is null) and finished, and the audit entries that record them and the policy
   * decisions behind them (the journal writes those to the audit log in the same transaction).
   */
  public record Batch(
      List<Accepted> accepted,
      List<Route> routes,
      List<String> finished,
      Instant at,
      List<AuditEntry> audit)
      implements CborSerializable, Audited {
    public Batch {
      accepted = List.copyOf(accepted);
      routes = List.copyOf(routes);
      finished = List.copyOf(finished);
      audit = audit == null ? List.of() : List.copyOf(audit);
    }

    /** Decisions without audit entries. */
    public Batch(List<Accepted> accepted, List<Route> routes, List<String> finished, Instant at) {
      this(accepted, routes, finished, at, List.of());
    }

    @Override
    public List<AuditEntry> auditEntries() {
      return audit;
    }

    public boolean isEmpty() {
      return accepted.isEmpty() && routes.isEmpty() && finished.isEmpty() && audit.isEmpty();
    }

    /** The state after these decisions. */
    public DispatcherState applyTo(DispatcherState state) {
      DispatcherState next = state;
      for (Accepted a : accepted) {
        next = next.accepted(a.assignment(), a.ticket(), at);
      }
      for (Route route : routes) {
        next = next.routed(route.key(), route.agentId());
      }
      for (String key : finished) {
        next = next.finished(key);
      }
      return next;
    }

    /** These decisions followed by {@code later} ones, as one batch. */
    Batch merge(Batch later) {
      List<Accepted> a = new ArrayList<>(accepted);
      a.addAll(later.accepted);
      List<Route> r = new ArrayList<>(routes);
      r.addAll(later.routes);
      List<String> f = new ArrayList<>(finished);
      f.addAll(later.finished);
      List<AuditEntry> e = new ArrayList<>(audit);
      e.addAll(later.audit);
      return new Batch(a, r, f, later.at, e);
    }

    /** {@code batches}, in order, as one batch made {@code at}. */
    static Batch together(List<Batch> batches, Instant at) {
      List<Accepted> a = new ArrayList<>();
      List<Route> r = new ArrayList<>();
      List<String> f = new ArrayList<>();
      List<AuditEntry> e = new ArrayList<>();
      for (Batch batch : batches) {
        a.addAll(batch.accepted);
        r.addAll(batch.routes);
        f.addAll(batch.finished);
        e.addAll(batch.audit);
      }
      return new Batch(a, r, f, at, e);
    }
  }

  /** An assignment accepted with its place in the queue. */
  public record Accepted(Assignment assignment, long ticket) implements CborSerializable {}

  /** An assignment routed to {@code agentId}, or back to the queue when it is null. */
  public record Route(String key, AgentId agentId) implements CborSerializable {}

  private final ActorRef<Recovered> owner;
  private final DispatchSettings settings;
  private final Clock clock;
  // Merged into one Batch only when written, so that a decision costs no copy as it arrives.
  private final GroupCommit<Batch, Command> unwritten;

  private DispatchLog(
      BusKey busKey,
      ActorRef<Recovered> owner,
      TimerScheduler<Command> timers,
      DispatchSettings settings,
      Clock clock) {
    super(
        PersistenceId.of(Dispatcher.ENTITY_TYPE_KEY.name(), busKey.value()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.owner = owner;
    this.settings = settings;
    this.clock = clock;
    this.unwritten = new GroupCommit<>(timers, Flush.INSTANCE, settings.recordDelay());
  }

  /** The log of the dispatcher for {@code busKey}; tells {@code owner} what it recovered. */
  public static Behavior<Command> create(
      BusKey busKey, ActorRef<Recovered> owner, DispatchSettings settings, Clock clock) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new DispatchLog(busKey, owner, timers, settings, clock)));
  }

  @Override
  public DispatcherState emptyState() {
    return DispatcherState.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Snapshots bound recovery time; events are never deleted (see DESIGN.md's known traps).
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Batch, DispatcherState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Record.class, this::onRecord)
        .onCommand(Flush.class, (state, flush) -> onFlush())
        .build();
  }

  private ReplyEffect<Batch, DispatcherState> onRecord(DispatcherState state, Record record) {
    unwritten.add(record.decisions());
    return unwritten.due(record.urgent()) ? onFlush() : Effect().noReply();
  }

  private ReplyEffect<Batch, DispatcherState> onFlush() {
    List<Batch> decisions = unwritten.take();
    if (decisions.isEmpty()) {
      return Effect().noReply();
    }
    Batch batch = Batch.together(decisions, clock.instant());
    return batch.isEmpty() ? Effect().noReply() : Effect().persist(batch).thenNoReply();
  }

  @Override
  public SignalHandler<DispatcherState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> owner.tell(new Recovered(state)))
        .build();
  }

  @Override
  public EventHandler<DispatcherState, Batch> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Batch.class, (s, b) -> b.applyTo(s))
        .build();
  }
}
