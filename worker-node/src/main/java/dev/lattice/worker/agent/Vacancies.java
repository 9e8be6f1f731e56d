package dev.lattice.worker.agent;

import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.AgentReply;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Turn-taking for a full agent's capacity: senders it turned away as busy wait in line, and each
 * slot that frees is held for the one at the head and offered to it, instead of going to whoever
 * asks first. Without this, a dispatcher whose work just finished hears of the free slot first and
 * refills it at once, so the dispatchers of other bus keys (other tenants) would only ever get the
 * slots it leaves; with it, dispatchers competing for an agent take turns.
 *
 * <p>A held slot is the head's for {@code hold}: it takes it with an assignment, or gives it back
 * with {@link AgentCommand.Release}; unanswered (its dispatcher moved or stopped), the hold lapses
 * and the slot goes to the next in line. The sender whose work freed the slot joins the end of the
 * line, since it most likely has more.
 */
final class Vacancies {
  private final Duration hold;
  private final TimerScheduler<AgentCommand> timers;
  private final LinkedHashSet<ActorRef<AgentReply>> waiting = new LinkedHashSet<>();
  private final Map<Long, ActorRef<AgentReply>> holds = new HashMap<>();
  private long nextHold;

  Vacancies(Duration hold, TimerScheduler<AgentCommand> timers) {
    this.hold = hold;
    this.timers = timers;
  }

  /** Slots held for senders in line, which count as taken. */
  int held() {
    return holds.size();
  }

  /**
   * Whether {@code sender} may start one more assignment on an agent running {@code running} of
   * {@code capacity}: with a slot held for it (which it takes now) or a free one nobody waits for.
   * A sender turned away joins the line.
   */
  boolean take(ActorRef<AgentReply> sender, int running, int capacity) {
    Optional<Long> mine = holdOf(sender);
    if (mine.isPresent()) {
      holds.remove(mine.get());
      timers.cancel(new WorkerAgent.HoldLapsed(mine.get()));
      return true;
    }
    if (running + holds.size() < capacity) {
      return true;
    }
    waiting.add(sender);
    return false;
  }

  /**
   * A slot freed after work of {@code owner} ended: held for the head of the line if there is one,
   * and {@code owner} joins the line. The sender to offer the slot to, if any.
   */
  Optional<ActorRef<AgentReply>> freed(ActorRef<AgentReply> owner) {
    if (waiting.isEmpty()) {
      return Optional.empty();
    }
    Iterator<ActorRef<AgentReply>> line = waiting.iterator();
    ActorRef<AgentReply> next = line.next();
    line.remove();
    if (owner != null && !owner.equals(next)) {
      waiting.add(owner);
    }
    long id = nextHold++;
    holds.put(id, next);
    timers.startSingleTimer(new WorkerAgent.HoldLapsed(id), hold);
    return Optional.of(next);
  }

  /** {@code sender} gives back a slot held for it: the slot goes to the next in line, if any. */
  Optional<ActorRef<AgentReply>> released(ActorRef<AgentReply> sender) {
    Optional<Long> mine = holdOf(sender);
    if (mine.isEmpty()) {
      return Optional.empty();
    }
    holds.remove(mine.get());
    timers.cancel(new WorkerAgent.HoldLapsed(mine.get()));
    waiting.remove(sender);
    return freed(null);
  }

  /** A hold was not answered in time: the slot goes to the next in line, if any. */
  Optional<ActorRef<AgentReply>> lapsed(long id) {
    ActorRef<AgentReply> sender = holds.remove(id);
    if (sender == null) {
      return Optional.empty();
    }
    waiting.remove(sender);
    return freed(null);
  }

  private Optional<Long> holdOf(ActorRef<AgentReply> sender) {
    return holds.entrySet().stream()
        .filter(e -> e.getValue().equals(sender))
        .map(Map.Entry::getKey)
        .findFirst();
  }
}
