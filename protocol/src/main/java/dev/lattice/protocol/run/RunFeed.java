package dev.lattice.protocol.run;

import dev.lattice.protocol.CborSerializable;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a run pushes to its live followers after each persist. A follower treats pushes as a fast
 * path only: the journal stays the source of truth, read on connect and whenever a push reveals a
 * gap.
 */
public sealed interface RunFeed extends CborSerializable {
  /**
   * Answer to a (re-)subscription.
   *
   * @param lastSeq the sequence number of the run's latest persisted event
   * @param terminal whether the run has ended
   * @param run the run's actor, for the follower to watch: when it stops (the run restarted or
   *     moved to another node), the follower subscribes again at once
   */
  record Subscribed(long lastSeq, boolean terminal, ActorRef<?> run) implements RunFeed {}

  /** Events just persisted, in sequence order. */
  record Published(List<RunEvent> events) implements RunFeed {
    public Published {
      events = List.copyOf(events);
    }
  }

  /**
   * Streamed text of a running step; never persisted. Sent after {@link Subscribed} to a new
   * follower too, one per running step, with what the step's attempt has streamed so far.
   */
  record Delta(StepDelta delta) implements RunFeed {}
}
