package dev.lattice.orchestrator.run;

import dev.lattice.orchestrator.run.core.RunState;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunFeed;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepDelta;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * Who listens to one run entity: live followers of its events (and of its steps' streamed text) and
 * callers waiting for its end. Transient wiring, not state: followers subscribe again when the run
 * restarts or moves, and waiters renew their wait.
 */
final class RunFollowers {
  private final RunId runId;
  private final RunDeltas deltas;
  private final Set<ActorRef<RunFeed>> subscribers = new HashSet<>();
  // The subscribers that take streamed text as well: a subset of subscribers.
  private final Set<ActorRef<RunFeed>> textSubscribers = new HashSet<>();
  private final List<ActorRef<StatusReply<RunView>>> awaitingEnd = new ArrayList<>();

  /**
   * @param heldDeltaChars the most characters of each running attempt's streamed text held for
   *     followers that join late
   */
  RunFollowers(RunId runId, int heldDeltaChars) {
    this.runId = runId;
    this.deltas = new RunDeltas(runId, heldDeltaChars);
  }

  /**
   * Adds a follower, which takes streamed text as well if it asks for {@code deltas}; false if it
   * was already one. A new follower of text is told the text its running steps have streamed so
   * far.
   */
  boolean subscribe(ActorRef<RunFeed> subscriber, boolean deltas) {
    if (deltas && textSubscribers.add(subscriber)) {
      this.deltas.soFar().forEach(delta -> subscriber.tell(new RunFeed.Delta(delta)));
    }
    return subscribers.add(subscriber);
  }

  /** Streamed text from a worker: held, and pushed to followers if its attempt is running. */
  void delta(RunState state, StepDelta delta) {
    if (deltas.received(state, delta) && !textSubscribers.isEmpty()) {
      RunFeed.Delta message = new RunFeed.Delta(delta);
      textSubscribers.forEach(s -> s.tell(message));
    }
  }

  /** Events were written: the streamed text of attempts that ended is not held any more. */
  void settled(RunState state) {
    deltas.settled(state);
  }

  void unsubscribe(ActorRef<RunFeed> subscriber) {
    subscribers.remove(subscriber);
    textSubscribers.remove(subscriber);
  }

  void awaitEnd(ActorRef<StatusReply<RunView>> waiter) {
    awaitingEnd.add(waiter);
  }

  boolean anyAwaitingEnd() {
    return !awaitingEnd.isEmpty();
  }

  /** Pushes events just written, the last of which has sequence number {@code lastSeq}. */
  void publish(List<RunChange> events, long lastSeq) {
    if (subscribers.isEmpty()) {
      return;
    }
    long seq = lastSeq - events.size() + 1;
    List<RunEvent> published = new ArrayList<>(events.size());
    for (RunChange change : events) {
      published.add(change.toEvent(runId, seq++));
    }
    RunFeed.Published message = new RunFeed.Published(published);
    subscribers.forEach(s -> s.tell(message));
  }

  /** The run ended: every waiter gets its final state. */
  void ended(RunView view) {
    awaitingEnd.forEach(waiter -> waiter.tell(StatusReply.success(view)));
    awaitingEnd.clear();
  }
}
