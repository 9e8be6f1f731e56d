package dev.lattice.orchestrator.dispatch;

import dev.lattice.orchestrator.directory.AgentEntry;
import dev.lattice.orchestrator.dispatch.DispatchLog.Route;
import dev.lattice.orchestrator.logging.LogContext;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.ids.BusKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * What becomes of a dispatcher's work in flight when the agents serving its capability change. The
 * first list after a start picks up where the dispatcher left off: each attempt found in flight is
 * first confirmed by its run, then sent again to its agent when listed, or put back in the queue
 * when its agent is not listed yet. Later, an attempt whose agent left ends as a {@code
 * worker_lost} failure. Plain Java on the dispatcher's thread.
 */
final class AgentChanges {
  private final AgentPool pool;
  private final QueueRouter router;
  private final AttemptEndings endings;
  private final RunNotifier runs;
  private final BusKey busKey;
  // Work found in flight after a restart whose run has not said yet whether it still wants it:
  // on a listed agent (sent to it again when confirmed) or on one not listed (queued again).
  private final Set<String> awaitingRun = new HashSet<>();
  private final Set<String> awaitingRunUnlisted = new HashSet<>();

  AgentChanges(
      AgentPool pool, QueueRouter router, AttemptEndings endings, RunNotifier runs, BusKey busKey) {
    this.pool = pool;
    this.router = router;
    this.endings = endings;
    this.runs = runs;
    this.busKey = busKey;
  }

  /**
   * The run of {@code key}, found in flight after a restart, sent it again: it still wants it. It
   * is sent to its agent, or queued again when its agent was not listed; null when it was not
   * waiting for that.
   */
  Decisions confirmed(String key) {
    if (awaitingRunUnlisted.remove(key)) {
      return router.state().entry(key) == null
          ? Decisions.NONE
          : Decisions.NONE.routing(List.of(new Route(key, null)));
    }
    if (!awaitingRun.remove(key)) {
      return null;
    }
    DispatcherState.Entry entry = router.state().entry(key);
    if (entry != null && entry.agentId() != null) {
      router.assign(entry.agentId(), entry.assignment());
    }
    return Decisions.NONE;
  }

  /**
   * The run of {@code key}, found in flight after a restart, took it back: it has its result, or no
   * longer wants it. The attempt ends here without a result; null when it was not waiting.
   */
  Decisions declined(String key, Instant now) {
    boolean unlisted = awaitingRunUnlisted.remove(key);
    if (!unlisted && !awaitingRun.remove(key)) {
      return null;
    }
    DispatcherState.Entry entry = router.state().entry(key);
    if (entry == null) {
      return Decisions.NONE;
    }
    if (!unlisted) {
      pool.released(entry.agentId());
    }
    return Decisions.finish(key).noting(List.of(endings.withdrawn(entry, now)));
  }

  /**
   * The agents are now {@code agents}: returns what that decides, logging lost work to {@code log}.
   */
  Decisions agentsChanged(List<AgentEntry> agents, Logger log, Instant now) {
    boolean first = !router.agentsKnown();
    router.agentsListed();
    // The tools as described before: the agents that left may have been all that described one.
    Map<String, ToolSpec> described = new HashMap<>(pool.tools());
    pool.update(agents);
    described.putAll(pool.tools());
    List<String> lost = new ArrayList<>();
    List<AuditEntry> notes = new ArrayList<>();
    for (DispatcherState.Entry entry : router.state().inFlight()) {
      if (awaitingRunUnlisted.contains(entry.key())) {
        // Not on any agent yet: its run is still being asked whether to queue it again.
        continue;
      }
      if (!pool.knows(entry.agentId()) && first) {
        // After a restart an agent may only not be listed yet: the attempt waits in the queue
        // for one once its run confirms it (its result may have been recorded just before the
        // node went down), and an agent that has its result answers from its record.
        awaitingRunUnlisted.add(entry.key());
        runs.stillWanted(entry.assignment(), busKey);
      } else if (!pool.knows(entry.agentId())) {
        Assignment a = entry.assignment();
        try (LogContext ids =
            LogContext.run(
                a.runId().value(),
                a.tenant().value(),
                a.stepId(),
                LogContext.traceOf(a.traceparent()))) {
          log.info("agent {} left while running {}: worker_lost", entry.agentId(), entry.key());
        }
        ToolSpec tool = described.get(entry.assignment().capability());
        endings.workerLost(entry, tool == null ? null : tool.effect(), now, notes);
        lost.add(entry.key());
      } else if (first) {
        // After a restart: count what is in flight, and ask its run whether it still wants it
        // before sending it to its agent again. The records that it finished (this
        // dispatcher's, the agent's) are written behind and may have been lost with the node:
        // sent again, a finished attempt would run twice.
        pool.routed(entry.agentId());
        awaitingRun.add(entry.key());
        runs.stillWanted(entry.assignment(), busKey);
      }
    }
    return Decisions.NONE.finishing(lost).noting(notes);
  }
}
