package dev.lattice.orchestrator.dispatch;

import dev.lattice.orchestrator.directory.AgentEntry;
import dev.lattice.orchestrator.dispatch.DispatchLog.Route;
import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.protocol.audit.AuditEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * What becomes of a dispatcher's work in flight when the agents serving its capability change. The
 * first list after a start picks up where the dispatcher left off: work on a listed agent is sent
 * to it again, work on an agent not listed yet waits in the queue. Later, an attempt whose agent
 * left ends as a {@code worker_lost} failure. Plain Java on the dispatcher's thread.
 */
final class AgentChanges {
  private final AgentPool pool;
  private final QueueRouter router;
  private final AttemptEndings endings;

  AgentChanges(AgentPool pool, QueueRouter router, AttemptEndings endings) {
    this.pool = pool;
    this.router = router;
    this.endings = endings;
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
    List<Route> requeue = new ArrayList<>();
    List<String> lost = new ArrayList<>();
    List<AuditEntry> notes = new ArrayList<>();
    for (DispatcherState.Entry entry : router.state().inFlight()) {
      if (!pool.knows(entry.agentId()) && first) {
        // After a restart an agent may only not be listed yet: the attempt waits for one, and
        // an agent that has its result answers from its record.
        requeue.add(new Route(entry.key(), null));
      } else if (!pool.knows(entry.agentId())) {
        log.info("agent {} left while running {}: worker_lost", entry.agentId(), entry.key());
        ToolSpec tool = described.get(entry.assignment().capability());
        endings.workerLost(entry, tool == null ? null : tool.effect(), now, notes);
        lost.add(entry.key());
      } else if (first) {
        // After a restart: count what is in flight and re-send it to the same agent, which
        // answers from its record if it already finished the work.
        pool.routed(entry.agentId());
        router.assign(entry.agentId(), entry.assignment());
      }
    }
    return Decisions.NONE.routing(requeue).finishing(lost).noting(notes);
  }
}
