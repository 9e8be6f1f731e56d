package dev.lattice.persistence.query;

import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.StepDelta;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Where one stream of a run's events stands, and what it does next: every decision of a {@link
 * RunEventFollower}, which only does the I/O (journal reads, the subscription, delivery) and feeds
 * what comes back into this class. Plain Java, so each decision is unit-tested without actors.
 *
 * <p>A stream first catches up from the journal, a page at a time, without telling the run: a
 * finished run is replayed from its journal alone, and its entity is never woken. Only when a page
 * comes back short (the journal holds nothing more yet) and the run has not ended does the stream
 * go live: it subscribes to the run, emits a push directly when it is the next expected event and
 * the stream is keeping pace, and reads the journal from where it stands whenever a push or the
 * run's answer shows events it has not read. The journal stays the source of truth; pushes are a
 * fast path.
 *
 * <p>Invariants: events are queued exactly once each, in sequence order, from the cursor on; at
 * most one read is in flight and one is issued only when the previous page has nearly been
 * delivered, so a slow reader holds at most about a page; the stream ends after its terminal event
 * is delivered, or at once when the run ended before the cursor.
 *
 * <p>A stream that wants the run's streamed text ({@code step.delta}, never persisted) gets it only
 * while live, from pushes: it is held in a bounded {@link DeltaQueue} while downstream is busy, and
 * text and events take turns, so text never holds back an event, and pending text is still
 * delivered before the stream completes.
 *
 * <p>Use: feed each result through one of the input methods, then call {@link #next()} until it
 * answers {@link Idle}, performing each action. {@link Complete} and {@link Fail} are final.
 */
final class RunEventCursor {

  /** What the follower does next. */
  sealed interface Action {}

  /** Deliver this event downstream; call {@link #delivered()} when downstream wants the next. */
  record Emit(RunEvent event) implements Action {}

  /** Deliver this streamed text downstream; call {@link #delivered()} likewise. */
  record EmitDelta(StepDelta delta) implements Action {}

  /** Read a page of the journal from {@code fromSeq}; call {@link #pageRead} with it. */
  record Read(long fromSeq) implements Action {}

  /** Ask the run to push its events; call {@link #subscribed} with its answer. */
  enum Subscribe implements Action {
    INSTANCE
  }

  /** Ask the journal whether the run still has events; call {@link #existence} with it. */
  enum CheckExistence implements Action {
    INSTANCE
  }

  /** The terminal event was delivered, or the run ended before the cursor: end the stream. */
  enum Complete implements Action {
    INSTANCE
  }

  /** The stream cannot go on: the run is gone, or its journal has a hole. */
  record Fail(RuntimeException cause) implements Action {}

  /** Nothing to do until the next input. */
  enum Idle implements Action {
    INSTANCE
  }

  private final RunId runId;
  private final int pageSize;
  private final boolean endedAtStart;
  private final ArrayDeque<RunEvent> outbox = new ArrayDeque<>();
  // Streamed text, for a stream that wants it; null otherwise.
  private final DeltaQueue deltas;
  // After a delta, an event goes next if one is waiting: text never holds the run's events back.
  private boolean eventNext;

  /** The sequence number of the next event to queue. */
  private long expected;

  /** The highest sequence number queued, 0 before any. */
  private long highestQueued;

  /** The highest sequence number the run told of (pushes, its answer to a subscription). */
  private long highestSeen;

  /** What the run had told of when the read in flight was issued. */
  private long seenWhenReadIssued;

  /** The journal holds events this stream has not read. */
  private boolean needJournal = true;

  private boolean reading;
  private boolean live;
  private boolean subscribePending;
  private boolean checkPending;
  private boolean checking;
  private boolean awaitingDelivery;

  /** The terminal event is queued, or the run ended before the cursor: no more reads. */
  private boolean ended;

  private RuntimeException failure;
  private boolean finished;

  /**
   * @param fromSeq the first sequence number the stream wants (at least 1)
   * @param pageSize the most events one journal read returns
   * @param endedAtStart whether the run had already ended when it was looked up, before the stream
   *     started: then its journal holds all of it, and a cursor past its end ends the stream
   *     without asking the run
   */
  RunEventCursor(RunId runId, long fromSeq, int pageSize, boolean endedAtStart) {
    this(runId, fromSeq, pageSize, endedAtStart, null);
  }

  /**
   * A cursor that also passes on the run's streamed text, held in {@code deltas} while downstream
   * is busy.
   */
  RunEventCursor(RunId runId, long fromSeq, int pageSize, boolean endedAtStart, DeltaQueue deltas) {
    this.deltas = deltas;
    this.runId = runId;
    this.expected = Math.max(1, fromSeq);
    this.pageSize = pageSize;
    this.endedAtStart = endedAtStart;
  }

  /** The journal's answer to the last {@link Read}: at most a page, in sequence order. */
  void pageRead(List<RunEvent> events) {
    reading = false;
    for (RunEvent event : events) {
      if (event.seq() < expected) {
        continue;
      }
      if (event.seq() > expected) {
        // Sequence numbers per run are gap-free; a hole means events were deleted under us.
        failure =
            new IllegalStateException(
                "journal of run "
                    + runId.value()
                    + " has no event "
                    + expected
                    + " (next is "
                    + event.seq()
                    + ")");
        return;
      }
      enqueue(event);
    }
    if (ended) {
      return;
    }
    if (events.size() == pageSize) {
      needJournal = true;
    } else if (live) {
      if (events.isEmpty() && seenWhenReadIssued >= expected) {
        // The run had told of events before this read, which found none: they may have been
        // deleted (retention) under us. Reading again waits for the journal's answer, rather
        // than asking it the same question in a loop meanwhile.
        checkPending = true;
        return;
      }
    } else {
      caughtUp(events.isEmpty());
    }
    noteSeen(highestSeen);
  }

  /** The journal holds nothing more for now, and the stream has not subscribed yet. */
  private void caughtUp(boolean empty) {
    if (expected == 1) {
      // Every run's first event is 1, and runs are deleted whole: this one has no events.
      failure = new UnknownRunException(runId);
    } else if (endedAtStart && empty && highestQueued == 0) {
      // The cursor is past the end of a run that had ended: nothing to wait for.
      ended = true;
    } else if (endedAtStart) {
      // A run that had ended has its terminal event in the journal, which this stream has not
      // reached: it was deleted under us, unless the journal says otherwise.
      checkPending = true;
    } else {
      goLive();
    }
  }

  private void goLive() {
    live = true;
    subscribePending = true;
  }

  /** The run's answer to a subscription: its latest sequence number and whether it has ended. */
  void subscribed(long lastSeq, boolean terminal) {
    if (lastSeq < highestQueued) {
      // The run knows of fewer events than this stream read: it may have been deleted and started
      // again empty. (Or its answer was overtaken by a later read: then it is there.)
      checkPending = true;
    }
    if (terminal) {
      noteEnded(lastSeq);
    }
    noteSeen(lastSeq);
  }

  /** Events the run just persisted, in sequence order. */
  void published(List<RunEvent> events) {
    for (RunEvent event : events) {
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

  /**
   * Streamed text of a running step (never persisted). Dropped unless this stream wants text and is
   * live: a stream still catching up from the journal is told the text so far when it subscribes.
   */
  void delta(StepDelta delta) {
    if (deltas != null && live && !ended) {
      deltas.add(delta);
    }
  }

  /** The journal's answer to {@link CheckExistence}. */
  void existence(boolean exists) {
    checking = false;
    if (!exists) {
      // A stream that already holds the terminal event ends as usual.
      if (!ended) {
        failure = new UnknownRunException(runId);
      }
    } else if (!live && !ended) {
      // The journal has the run but not the end this stream expected: let the run tell.
      goLive();
    } else {
      // Whatever the run told of that the journal did not have, read again.
      noteSeen(highestSeen);
    }
  }

  /** Downstream took the last {@link Emit} and wants the next. */
  void delivered() {
    awaitingDelivery = false;
  }

  /**
   * Whether to subscribe again now (the run's actor stopped, or the periodic safety net): only a
   * live stream that has not ended.
   */
  boolean resubscribe() {
    return live && !ended && !finished;
  }

  /** The next thing to do; {@link Idle} once there is nothing until the next input. */
  Action next() {
    if (finished) {
      return Idle.INSTANCE;
    }
    if (failure != null) {
      finished = true;
      return new Fail(failure);
    }
    if (!awaitingDelivery
        && deltas != null
        && !deltas.isEmpty()
        && (outbox.isEmpty() || !eventNext)) {
      awaitingDelivery = true;
      eventNext = true;
      return new EmitDelta(deltas.poll());
    }
    if (!awaitingDelivery && !outbox.isEmpty()) {
      awaitingDelivery = true;
      eventNext = false;
      return new Emit(outbox.poll());
    }
    if (ended && !awaitingDelivery) {
      finished = true;
      return Complete.INSTANCE;
    }
    if (needJournal && !reading && !ended && outbox.size() <= pageSize / 2) {
      reading = true;
      needJournal = false;
      seenWhenReadIssued = highestSeen;
      return new Read(expected);
    }
    if (subscribePending) {
      subscribePending = false;
      return Subscribe.INSTANCE;
    }
    if (checkPending && !checking) {
      checkPending = false;
      checking = true;
      return CheckExistence.INSTANCE;
    }
    return Idle.INSTANCE;
  }

  /**
   * The run ended at {@code lastSeq}. If that is before the cursor, this stream was never going to
   * queue the terminal event (it queues exactly the events from the cursor on), so it stops
   * reading, and ends once what it holds is delivered.
   */
  private void noteEnded(long lastSeq) {
    if (!ended && lastSeq < expected) {
      ended = true;
      needJournal = false;
    }
  }

  private void noteSeen(long seq) {
    highestSeen = Math.max(highestSeen, seq);
    if (highestSeen >= expected && !ended) {
      needJournal = true;
    }
  }

  private void enqueue(RunEvent event) {
    outbox.add(event);
    expected = event.seq() + 1;
    highestQueued = event.seq();
    if (event.terminal()) {
      ended = true;
      needJournal = false;
    }
  }
}
