package dev.lattice.orchestrator.run;

import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunFeed;
import dev.lattice.protocol.run.RunView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * Who listens to one run entity: live followers of its events and callers waiting for its end.
 * Transient wiring, not state: followers subscribe again when the run restarts or moves, and
 * waiters renew their wait.
 */
final class RunFollowers {
  private final RunId runId;
  private final Set<ActorRef<RunFeed>> subscribers = new HashSet<>();
  private final List<ActorRef<StatusReply<RunView>>> awaitingEnd = new ArrayList<>();

  RunFollowers(RunId runId) {
    this.runId = runId;
  }

  /** Adds a follower; false if it was already one. */
  boolean subscribe(ActorRef<RunFeed> subscriber) {
    return subscribers.add(subscriber);
  }

  void unsubscribe(ActorRef<RunFeed> subscriber) {
    subscribers.remove(subscriber);
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
