package dev.lattice.persistence.query;

import dev.lattice.persistence.query.RunEventCursor.Action;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunFeed;
import dev.lattice.protocol.run.RunStreamElement;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Feeds one stream of a run's events: from a sequence number, gap-free and in order, then live
 * until the run's terminal event.
 *
 * <p>This actor only does the I/O: journal reads, the subscription to the run (and watching the
 * run's actor, so that a restart or a move leads to a new subscription at once), and delivery to
 * the stream stage, which acknowledges each element with one {@link Ack}. What to do next is the
 * {@link RunEventCursor}'s decision: every result goes to it, and its actions are carried out.
 */
public final class RunEventFollower extends AbstractBehavior<RunEventFollower.Command> {

  /** Messages of the follower. */
  public sealed interface Command {}

  /** Connects the follower to the stream stage it feeds. */
  public record Attach(ActorRef<Out> out) implements Command {}

  /** The stream stage delivered the last element and wants the next. */
  public enum Ack implements Command {
    INSTANCE
  }

  private record FromRun(RunFeed feed) implements Command {}

  /** Whether the run still has events, asked when the journal seemed to have lost some. */
  private record StillThere(boolean exists) implements Command {}

  private record PageRead(List<RunEvent> events) implements Command {}

  private record ReadFailed(Throwable cause) implements Command {}

  private enum Resubscribe implements Command {
    INSTANCE
  }

  private enum OutGone implements Command {
    INSTANCE
  }

  /** The run actor this follower watches stopped. */
  private record RunGone(ActorRef<?> run) implements Command {}

  /** What the follower sends to the stream stage. */
  public sealed interface Out {}

  /** The next event, or streamed text. */
  public record Element(RunStreamElement element) implements Out {}

  /** The terminal event was delivered. */
  public enum Completed implements Out {
    INSTANCE
  }

  /** The stream cannot go on. */
  public record Failed(Throwable cause) implements Out {}

  /**
   * Where a stream starts.
   *
   * @param runId the run, known to exist (its existence is established once, by the caller)
   * @param persistenceId its journal id
   * @param fromSeq the first sequence number wanted
   * @param endedAtStart whether the run had ended when the caller looked it up
   * @param deltas the bounds of the streamed text held for the stream, or null for a stream of
   *     persisted events only
   */
  public record Start(
      RunId runId, String persistenceId, long fromSeq, boolean endedAtStart, DeltaLimits deltas) {

    /** A stream of persisted events only. */
    public Start(RunId runId, String persistenceId, long fromSeq, boolean endedAtStart) {
      this(runId, persistenceId, fromSeq, endedAtStart, null);
    }
  }

  /**
   * How much streamed text a stream holds while its client is busy.
   *
   * @param maxEntries the most deltas held; beyond, the oldest go
   * @param maxChars the most characters held; beyond, the oldest go
   */
  public record DeltaLimits(int maxEntries, int maxChars) {}

  private final JournalReader reader;
  private final RunId runId;
  private final String persistenceId;
  private final int pageSize;
  private final Duration resubscribeInterval;
  private final Consumer<ActorRef<RunFeed>> subscribe;
  private final TimerScheduler<Command> timers;
  private final ActorRef<RunFeed> feedAdapter;
  private final Runnable onStop;
  private final RunEventCursor cursor;

  private ActorRef<Out> out;
  private ActorRef<?> watchedRun;

  private RunEventFollower(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      JournalReader reader,
      Start start,
      int pageSize,
      Duration resubscribeInterval,
      Consumer<ActorRef<RunFeed>> subscribe,
      Runnable onStop) {
    super(context);
    this.onStop = onStop;
    this.timers = timers;
    this.reader = reader;
    this.runId = start.runId();
    this.persistenceId = start.persistenceId();
    this.pageSize = pageSize;
    this.resubscribeInterval = resubscribeInterval;
    this.subscribe = subscribe;
    this.feedAdapter = context.messageAdapter(RunFeed.class, FromRun::new);
    this.cursor =
        new RunEventCursor(
            runId,
            start.fromSeq(),
            pageSize,
            start.endedAtStart(),
            start.deltas() == null
                ? null
                : new DeltaQueue(start.deltas().maxEntries(), start.deltas().maxChars()));
  }

  /**
   * A follower from {@code start}; {@code subscribe} asks the run to push its events to the given
   * ref (once the journal has been read up to its end, and again whenever the run's actor stops or
   * the resubscribe interval passes).
   */
  public static Behavior<Command> create(
      JournalReader reader,
      Start start,
      int pageSize,
      Duration resubscribeInterval,
      Consumer<ActorRef<RunFeed>> subscribe,
      Runnable onStop) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new RunEventFollower(
                        context,
                        timers,
                        reader,
                        start,
                        pageSize,
                        resubscribeInterval,
                        subscribe,
                        onStop)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Attach.class, this::onAttach)
        .onMessage(StillThere.class, this::onStillThere)
        .onMessage(FromRun.class, this::onFromRun)
        .onMessage(PageRead.class, this::onPageRead)
        .onMessage(ReadFailed.class, failed -> fail(failed.cause()))
        .onMessageEquals(Ack.INSTANCE, this::onAck)
        .onMessageEquals(Resubscribe.INSTANCE, this::onResubscribe)
        .onMessageEquals(OutGone.INSTANCE, Behaviors::stopped)
        .onMessage(RunGone.class, this::onRunGone)
        .onSignal(
            PostStop.class,
            stopped -> {
              onStop.run();
              return this;
            })
        .build();
  }

  private Behavior<Command> onAttach(Attach attach) {
    out = attach.out();
    // A client that disconnects stops the stage; the follower then stops too, and the run drops
    // the subscription when it sees the follower terminate.
    getContext().watchWith(out, OutGone.INSTANCE);
    return act();
  }

  private Behavior<Command> onPageRead(PageRead page) {
    cursor.pageRead(page.events());
    return act();
  }

  private Behavior<Command> onFromRun(FromRun message) {
    if (message.feed() instanceof RunFeed.Subscribed subscribed) {
      watch(subscribed.run());
      cursor.subscribed(subscribed.lastSeq(), subscribed.terminal());
    } else if (message.feed() instanceof RunFeed.Published published) {
      cursor.published(published.events());
    } else if (message.feed() instanceof RunFeed.Delta delta) {
      cursor.delta(delta.delta());
    }
    return act();
  }

  private Behavior<Command> onStillThere(StillThere still) {
    cursor.existence(still.exists());
    return act();
  }

  private Behavior<Command> onAck() {
    cursor.delivered();
    return act();
  }

  /** Carries out the cursor's actions until it has nothing more to do for now. */
  private Behavior<Command> act() {
    while (true) {
      Action action = cursor.next();
      if (action instanceof RunEventCursor.Emit emit) {
        out.tell(new Element(emit.event()));
      } else if (action instanceof RunEventCursor.EmitDelta emit) {
        out.tell(new Element(emit.delta()));
      } else if (action instanceof RunEventCursor.Read read) {
        getContext()
            .pipeToSelf(
                reader.page(persistenceId, runId, read.fromSeq(), pageSize),
                (events, failure) ->
                    failure != null ? new ReadFailed(failure) : new PageRead(events));
      } else if (action == RunEventCursor.Subscribe.INSTANCE) {
        subscribe.accept(feedAdapter);
        if (!timers.isTimerActive(Resubscribe.INSTANCE)) {
          // A last safety net besides watching the run's actor.
          timers.startTimerWithFixedDelay(Resubscribe.INSTANCE, resubscribeInterval);
        }
      } else if (action == RunEventCursor.CheckExistence.INSTANCE) {
        getContext()
            .pipeToSelf(
                reader.exists(persistenceId),
                (exists, failure) ->
                    failure != null ? new ReadFailed(failure) : new StillThere(exists));
      } else if (action == RunEventCursor.Complete.INSTANCE) {
        out.tell(Completed.INSTANCE);
        return Behaviors.stopped();
      } else if (action instanceof RunEventCursor.Fail failed) {
        return fail(failed.cause());
      } else {
        return this;
      }
    }
  }

  /** Watches the run's actor, so that its stop (restart, move) leads to a new subscription. */
  private void watch(ActorRef<?> run) {
    if (run == null || run.equals(watchedRun)) {
      return;
    }
    if (watchedRun != null) {
      getContext().unwatch(watchedRun);
    }
    watchedRun = run;
    getContext().watchWith(run, new RunGone(run));
  }

  private Behavior<Command> onRunGone(RunGone gone) {
    if (gone.run().equals(watchedRun)) {
      watchedRun = null;
      return onResubscribe();
    }
    return this;
  }

  private Behavior<Command> onResubscribe() {
    if (cursor.resubscribe()) {
      subscribe.accept(feedAdapter);
    } else {
      timers.cancel(Resubscribe.INSTANCE);
    }
    return this;
  }

  private Behavior<Command> fail(Throwable cause) {
    out.tell(new Failed(cause));
    return Behaviors.stopped();
  }
}
