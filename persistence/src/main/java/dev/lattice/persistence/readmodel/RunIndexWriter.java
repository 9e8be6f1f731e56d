package dev.lattice.persistence.readmodel;

import dev.lattice.persistence.readmodel.JdbcRunIndex.StatusChange;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;

/**
 * Writes the run index: everything that arrives while a write is in progress goes into the next
 * write, one transaction each (a group commit), on a dispatcher meant for blocking work.
 * Registrations, which a caller waits for, are written at once; status changes wait up to a short
 * delay and go with the next write, so a busy node writes the index about once per batch of runs
 * rather than twice per run. Status changes that fail to be written are retried.
 */
public final class RunIndexWriter extends AbstractBehavior<RunIndexWriter.Command> {

  /** Messages of the writer. */
  public sealed interface Command {}

  /**
   * Registers a run; answered once the registration is durable, with whether the run id was new (a
   * new id has no events anywhere yet).
   */
  public record Register(RunIndexEntry entry, ActorRef<StatusReply<Boolean>> replyTo)
      implements Command {}

  /** A run's status changed. */
  public record StatusChanged(String runId, String status, java.time.Instant at)
      implements Command {}

  /** A run that has no events: forget it if it was registered longer ago than the grace period. */
  public record ForgetIfStale(String runId) implements Command {}

  private record Written(
      List<Register> registrations,
      Map<String, StatusChange> changes,
      boolean[] inserted,
      Throwable failure)
      implements Command {}

  private enum Retry implements Command {
    INSTANCE
  }

  private enum Later implements Command {
    INSTANCE
  }

  private final JdbcRunIndex index;
  private final Executor blocking;
  private final TimerScheduler<Command> timers;
  private final Clock clock;
  private final Duration staleAfter;
  private final Duration retryDelay;
  private final Duration statusDelay;
  private List<Register> registrations = new ArrayList<>();
  private Map<String, StatusChange> changes = new LinkedHashMap<>();
  private Set<String> forget = new LinkedHashSet<>();
  private boolean writing;

  private RunIndexWriter(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      JdbcRunIndex index,
      String blockingDispatcher,
      Clock clock,
      Duration staleAfter,
      Duration retryDelay,
      Duration statusDelay) {
    super(context);
    this.timers = timers;
    this.index = index;
    this.blocking =
        context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(blockingDispatcher));
    this.clock = clock;
    this.staleAfter = staleAfter;
    this.retryDelay = retryDelay;
    this.statusDelay = statusDelay;
  }

  /**
   * @param staleAfter how long a registered run may stay {@code starting} before it counts as never
   *     started
   * @param retryDelay how long to wait before retrying a failed write
   * @param statusDelay how long a status change may wait to be written with later ones
   */
  public static Behavior<Command> create(
      JdbcRunIndex index,
      String blockingDispatcher,
      Clock clock,
      Duration staleAfter,
      Duration retryDelay,
      Duration statusDelay) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new RunIndexWriter(
                        context,
                        timers,
                        index,
                        blockingDispatcher,
                        clock,
                        staleAfter,
                        retryDelay,
                        statusDelay)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(
            Register.class,
            register -> {
              registrations.add(register);
              return writeIfIdle();
            })
        .onMessage(
            StatusChanged.class,
            changed -> {
              changes.merge(
                  changed.runId(),
                  new StatusChange(changed.runId(), changed.status(), changed.at()),
                  (a, b) -> b.at().isBefore(a.at()) ? a : b);
              return writeLater();
            })
        .onMessage(
            ForgetIfStale.class,
            stale -> {
              forget.add(stale.runId());
              return writeLater();
            })
        .onMessage(Written.class, this::onWritten)
        .onMessageEquals(Retry.INSTANCE, this::writeIfIdle)
        .onMessageEquals(Later.INSTANCE, this::writeIfIdle)
        .build();
  }

  private Behavior<Command> writeLater() {
    if (!timers.isTimerActive(Later.INSTANCE)) {
      timers.startSingleTimer(Later.INSTANCE, statusDelay);
    }
    return this;
  }

  private Behavior<Command> writeIfIdle() {
    if (writing || timers.isTimerActive(Retry.INSTANCE)) {
      return this;
    }
    if (registrations.isEmpty() && changes.isEmpty() && forget.isEmpty()) {
      return this;
    }
    List<Register> regs = registrations;
    Map<String, StatusChange> chs = changes;
    List<String> fgt = List.copyOf(forget);
    registrations = new ArrayList<>();
    changes = new LinkedHashMap<>();
    forget = new LinkedHashSet<>();
    writing = true;
    var staleBefore = clock.instant().minus(staleAfter);
    CompletableFuture<boolean[]> write =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return index.write(
                    regs.stream().map(Register::entry).toList(),
                    List.copyOf(chs.values()),
                    fgt,
                    staleBefore);
              } catch (java.sql.SQLException e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            },
            blocking);
    getContext()
        .pipeToSelf(write, (inserted, failure) -> new Written(regs, chs, inserted, failure));
    return this;
  }

  private Behavior<Command> onWritten(Written written) {
    writing = false;
    if (written.failure() == null) {
      for (int i = 0; i < written.registrations().size(); i++) {
        written.registrations().get(i).replyTo().tell(StatusReply.success(written.inserted()[i]));
      }
      return writeIfIdle();
    }
    getContext().getLog().warn("writing the run index failed; retrying", written.failure());
    written
        .registrations()
        .forEach(r -> r.replyTo().tell(StatusReply.error("the run index could not be written")));
    // Status changes are not lost: newer ones win, older ones are written again.
    written.changes().forEach((runId, change) -> changes.putIfAbsent(runId, change));
    timers.startSingleTimer(Retry.INSTANCE, retryDelay);
    return this;
  }
}
