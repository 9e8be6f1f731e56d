package dev.lattice.worker.agent;

import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.AssignmentResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The results an agent has delivered but not yet recorded. They are recorded together, in one event
 * (a group commit): the agent is told to {@link WorkerAgent.Flush} as soon as {@code batch} of them
 * have gathered, else {@code delay} after the first. Until then they answer a repeated assignment
 * as the record would. Transient: those of an agent that stops are lost with it, and their attempts
 * may run again, which at-least-once allows. Used on its agent's thread only.
 */
final class UnrecordedResults {
  private final Map<String, AssignmentResult> results = new LinkedHashMap<>();
  private final int batch;
  private final Duration delay;
  private final ActorRef<AgentCommand> agent;
  private final TimerScheduler<AgentCommand> timers;

  UnrecordedResults(
      int batch,
      Duration delay,
      ActorRef<AgentCommand> agent,
      TimerScheduler<AgentCommand> timers) {
    this.batch = batch;
    this.delay = delay;
    this.agent = agent;
    this.timers = timers;
  }

  /** The unrecorded result of the assignment with {@code idempotencyKey}, if there is one. */
  Optional<AssignmentResult> result(String idempotencyKey) {
    return Optional.ofNullable(results.get(idempotencyKey));
  }

  /** Adds {@code result}, to be recorded with the batch it falls in. */
  void add(AssignmentResult result) {
    results.put(result.idempotencyKey(), result);
    if (results.size() >= batch) {
      agent.tell(WorkerAgent.Flush.INSTANCE);
    } else if (!timers.isTimerActive(WorkerAgent.Flush.INSTANCE)) {
      timers.startSingleTimer(WorkerAgent.Flush.INSTANCE, delay);
    }
  }

  /** The results to record now, oldest first (none if empty); the flush timer is disarmed. */
  List<AssignmentResult> flush() {
    timers.cancel(WorkerAgent.Flush.INSTANCE);
    return List.copyOf(results.values());
  }

  /** {@code recorded} are in the journal: forgets them, but not a newer result for a same key. */
  void recorded(List<AssignmentResult> recorded) {
    recorded.forEach(result -> results.remove(result.idempotencyKey(), result));
  }
}
