package dev.lattice.persistence.query;

import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunFeed;
import java.time.Duration;
import java.util.ArrayDeque;
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
 * <p>The journal is the source of truth; pushes from the run after each persist are a fast path. A
 * push is emitted directly only when it is the next expected event and the follower is keeping
 * pace; any other push just tells the follower to read the journal from where it stands. Reads
 * happen one page at a time and only when the previous page has nearly been consumed, so a slow
 * reader holds at most one page and never makes the node buffer without bound. Downstream demand
 * arrives as one {@link Ack} per element delivered.
 *
 * <p>A stream whose cursor is past the run's terminal event (a client that resumes after the end,
 * as browsers do when the server closes a finished stream) has nothing to wait for: it ends as soon
 * as the run tells it has ended, or a push shows a terminal event before the cursor.
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

  private record Existence(boolean exists) implements Command {}

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

  /** The next event. */
  public record Element(RunEvent event) implements Out {}

  /** The terminal event was delivered. */
  public enum Completed implements Out {
    INSTANCE
  }

  /** The stream cannot go on. */
  public record Failed(Throwable cause) implements Out {}

  private final JournalReader reader;
  private final RunId runId;
  private final String persistenceId;
  private final int pageSize;
  private final Duration resubscribeInterval;
  private final Consumer<ActorRef<RunFeed>> subscribe;
  private final TimerScheduler<Command> timers;
  private final ActorRef<RunFeed> feedAdapter;
  private final ArrayDeque<RunEvent> outbox = new ArrayDeque<>();
  private final Runnable onStop;

  private ActorRef<Out> out;
  private ActorRef<?> watchedRun;
  private long expected;
  private long highestSeen;

  /** The highest sequence number this follower has read or been pushed, 0 before any. */
  private long highestRead;

  /** What the run had told of when the current read was issued. */
  private long seenWhenReadIssued;

  private boolean checkingExistence;

  private boolean needJournal;
  private boolean reading;
  private boolean awaitingAck;
  private boolean terminalQueued;
  private boolean lastSentTerminal;

  /** The run ended before this stream's cursor: the stream ends once its outbox is delivered. */
  private boolean endedBeforeCursor;

  private RunEventFollower(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      JournalReader reader,
      RunId runId,
      String persistenceId,
      long fromSeq,
      int pageSize,
      Duration resubscribeInterval,
      Consumer<ActorRef<RunFeed>> subscribe,
      Runnable onStop) {
    super(context);
    this.onStop = onStop;
    this.timers = timers;
    this.reader = reader;
    this.runId = runId;
    this.persistenceId = persistenceId;
    this.expected = Math.max(1, fromSeq);
    this.pageSize = pageSize;
    this.resubscribeInterval = resubscribeInterval;
    this.subscribe = subscribe;
    this.feedAdapter = context.messageAdapter(RunFeed.class, FromRun::new);
  }

  /**
   * A follower of {@code runId} from {@code fromSeq}; {@code subscribe} asks the run to push its
   * events to the given ref (and is called again periodically).
   */
  public static Behavior<Command> create(
      JournalReader reader,
      RunId runId,
      String persistenceId,
      long fromSeq,
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
                        runId,
                        persistenceId,
                        fromSeq,
                        pageSize,
                        resubscribeInterval,
                        subscribe,
                        onStop)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Attach.class, this::onAttach)
        .onMessage(Existence.class, this::onExistence)
        .onMessage(StillThere.class, this::onStillThere)
        .onMessage(FromRun.class, this::onFromRun)
        .onMessage(PageRead.class, this::onPageRead)
        .onMessage(ReadFailed.class, this::onReadFailed)
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
    getContext()
        .pipeToSelf(
            reader.exists(persistenceId),
            (exists, failure) -> failure != null ? new ReadFailed(failure) : new Existence(exists));
    return this;
  }

  private Behavior<Command> onExistence(Existence existence) {
    if (!existence.exists()) {
      out.tell(new Failed(new UnknownRunException(runId)));
      return Behaviors.stopped();
    }
    subscribe.accept(feedAdapter);
    timers.startTimerWithFixedDelay(Resubscribe.INSTANCE, resubscribeInterval);
    needJournal = true;
    readIfNeeded();
    return this;
  }

  private Behavior<Command> onFromRun(FromRun message) {
    if (message.feed() instanceof RunFeed.Subscribed subscribed) {
      if (subscribed.lastSeq() < highestRead) {
        // The run knows of fewer events than this stream read: it may have been deleted and
        // started again empty. (Or its answer was overtaken by a later read: then it is there.)
        checkExistence();
      }
      watch(subscribed.run());
      if (subscribed.terminal()) {
        noteEnded(subscribed.lastSeq());
      }
      noteSeen(subscribed.lastSeq());
    } else if (message.feed() instanceof RunFeed.Published published) {
      for (RunEvent event : published.events()) {
        if (event.seq() == expected && !reading && !needJournal && outbox.size() < pageSize) {
          enqueue(event);
        } else {
          if (event.terminal()) {
            noteEnded(event.seq());
          }
          noteSeen(event.seq());
        }
      }
    }
    readIfNeeded();
    drain();
    return endIfDelivered();
  }

  /**
   * The run ended at {@code lastSeq}. If that is before the cursor, this stream was never going to
   * queue the terminal event (it queues exactly the events from the cursor on), so it stops reading
   * and subscribing, and ends once what it holds is delivered.
   */
  private void noteEnded(long lastSeq) {
    if (!terminalQueued && lastSeq < expected) {
      endedBeforeCursor = true;
      terminalQueued = true;
      needJournal = false;
      timers.cancel(Resubscribe.INSTANCE);
    }
  }

  private Behavior<Command> endIfDelivered() {
    if (endedBeforeCursor && outbox.isEmpty() && !awaitingAck) {
      out.tell(Completed.INSTANCE);
      return Behaviors.stopped();
    }
    return this;
  }

  private Behavior<Command> onPageRead(PageRead page) {
    reading = false;
    if (page.events().isEmpty() && seenWhenReadIssued >= expected) {
      // The run had told of events before this read, which found none: they may have been
      // deleted (retention) under us.
      checkExistence();
    }
    for (RunEvent event : page.events()) {
      if (event.seq() < expected) {
        continue;
      }
      if (event.seq() > expected) {
        // Sequence numbers per run are gap-free; a hole means events were deleted under us.
        return fail(
            new IllegalStateException(
                "journal of run "
                    + runId.value()
                    + " has no event "
                    + expected
                    + " (next is "
                    + event.seq()
                    + ")"));
      }
      enqueue(event);
    }
    if (page.events().size() == pageSize) {
      needJournal = true;
    }
    noteSeen(highestSeen);
    readIfNeeded();
    drain();
    return this;
  }

  /**
   * Runs are deleted whole (retention), so a run that has no event at all any more is gone, and so
   * is the rest of this stream.
   */
  private void checkExistence() {
    if (checkingExistence) {
      return;
    }
    checkingExistence = true;
    getContext()
        .pipeToSelf(
            reader.exists(persistenceId),
            (exists, failure) ->
                failure != null ? new ReadFailed(failure) : new StillThere(exists));
  }

  private Behavior<Command> onStillThere(StillThere still) {
    checkingExistence = false;
    // A stream that already holds the terminal event ends as usual.
    return still.exists() || terminalQueued ? this : fail(new UnknownRunException(runId));
  }

  private Behavior<Command> onReadFailed(ReadFailed failed) {
    return fail(failed.cause());
  }

  private Behavior<Command> onAck() {
    awaitingAck = false;
    if (lastSentTerminal) {
      out.tell(Completed.INSTANCE);
      return Behaviors.stopped();
    }
    drain();
    readIfNeeded();
    return endIfDelivered();
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
    if (!terminalQueued) {
      subscribe.accept(feedAdapter);
    }
    return this;
  }

  private void noteSeen(long seq) {
    highestSeen = Math.max(highestSeen, seq);
    if (highestSeen >= expected && !terminalQueued) {
      needJournal = true;
    }
  }

  private void enqueue(RunEvent event) {
    outbox.add(event);
    expected = event.seq() + 1;
    highestRead = event.seq();
    if (event.terminal()) {
      terminalQueued = true;
      needJournal = false;
      timers.cancel(Resubscribe.INSTANCE);
    }
  }

  private void readIfNeeded() {
    if (needJournal && !reading && !terminalQueued && outbox.size() <= pageSize / 2) {
      reading = true;
      needJournal = false;
      seenWhenReadIssued = highestSeen;
      getContext()
          .pipeToSelf(
              reader.page(persistenceId, runId, expected, pageSize),
              (events, failure) ->
                  failure != null ? new ReadFailed(failure) : new PageRead(events));
    }
  }

  private void drain() {
    if (!awaitingAck && !outbox.isEmpty()) {
      RunEvent next = outbox.poll();
      awaitingAck = true;
      lastSentTerminal = next.terminal();
      out.tell(new Element(next));
    }
  }

  private Behavior<Command> fail(Throwable cause) {
    out.tell(new Failed(cause));
    return Behaviors.stopped();
  }
}
