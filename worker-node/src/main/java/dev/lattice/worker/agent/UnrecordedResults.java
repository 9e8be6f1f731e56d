package dev.lattice.worker.agent;

import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.journal.GroupCommit;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The results an agent has delivered but not yet recorded. They are recorded together, in one event
 * (a {@link GroupCommit}): the agent is told to {@link WorkerAgent.Flush} as soon as {@code batch}
 * of them have gathered, else {@code delay} after the first. Until they are in the journal they
 * answer a repeated assignment as the record would. Transient: those of an agent that stops are
 * lost with it, and their attempts may run again, which at-least-once allows. Used on its agent's
 * thread only.
 */
final class UnrecordedResults {
  // By idempotency key until recorded, which is after they leave the group commit.
  private final Map<String, AssignmentResult> results = new HashMap<>();
  private final GroupCommit<AssignmentResult, AgentCommand> commit;
  private final ActorRef<AgentCommand> agent;

  UnrecordedResults(
      int batch,
      Duration delay,
      ActorRef<AgentCommand> agent,
      TimerScheduler<AgentCommand> timers) {
    this.commit = new GroupCommit<>(timers, WorkerAgent.Flush.INSTANCE, delay, batch);
    this.agent = agent;
  }

  /** The unrecorded result of the assignment with {@code idempotencyKey}, if there is one. */
  Optional<AssignmentResult> result(String idempotencyKey) {
    return Optional.ofNullable(results.get(idempotencyKey));
  }

  /** Adds {@code result}, to be recorded with the batch it falls in. */
  void add(AssignmentResult result) {
    results.put(result.idempotencyKey(), result);
    commit.add(result);
    if (commit.due()) {
      commit.flushSoon(agent);
    }
  }

  /** The results to record now, oldest first (none if empty); the flush timer is disarmed. */
  List<AssignmentResult> flush() {
    return commit.take();
  }

  /** {@code recorded} are in the journal: forgets them, but not a newer result for a same key. */
  void recorded(List<AssignmentResult> recorded) {
    recorded.forEach(result -> results.remove(result.idempotencyKey(), result));
  }
}
