package dev.lattice.orchestrator.dispatch;

import dev.lattice.orchestrator.dispatch.DispatchLog.Accepted;
import dev.lattice.orchestrator.dispatch.DispatchLog.Batch;
import dev.lattice.orchestrator.dispatch.DispatchLog.Route;
import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.AgentReply;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.ids.AgentId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Carries out a dispatcher's {@link Decisions}: applies them to its queue, routes whatever queued
 * work agents can take now, sends it to them, and hands everything decided to the dispatcher's
 * {@link DispatchLog} as one batch, without waiting for the write. It holds the queue's state,
 * which only it changes. Used on the dispatcher's thread.
 */
final class QueueRouter {
  private final AgentPool pool;
  private final RatePermits permits;
  private final DispatchAudit audit;
  private final ActorRef<DispatchLog.Command> log;
  private final ActorRef<AgentReply> agentReplies;
  private final Clock clock;
  private DispatcherState state;
  private boolean agentsKnown;

  QueueRouter(
      DispatcherState recovered,
      AgentPool pool,
      RatePermits permits,
      DispatchAudit audit,
      ActorRef<DispatchLog.Command> log,
      ActorRef<AgentReply> agentReplies,
      Clock clock) {
    this.state = recovered;
    this.pool = pool;
    this.permits = permits;
    this.audit = audit;
    this.log = log;
    this.agentReplies = agentReplies;
    this.clock = clock;
  }

  /** The queue and what is in flight, after every decision so far. */
  DispatcherState state() {
    return state;
  }

  /** Whether the agents were listed yet; until then nothing is routed. */
  boolean agentsKnown() {
    return agentsKnown;
  }

  /** The agents are listed: from now on queued work is routed to them. */
  void agentsListed() {
    agentsKnown = true;
  }

  /**
   * Applies {@code decisions}, routes whatever queued work agents can take now, sends it, and hands
   * everything decided to the log as one batch. Returns what it routed.
   */
  List<Route> decide(Decisions decisions) {
    Instant now = clock.instant();
    List<Accepted> accepted = decisions.accepted();
    List<Route> routes = decisions.routes();
    state = new Batch(accepted, routes, decisions.finished(), now).applyTo(state);
    List<AuditEntry> entries = new ArrayList<>(decisions.notes());
    entries.addAll(audit.decided(state, accepted, routes, now));
    List<Route> routed = agentsKnown ? pool.route(state, now, permits) : List.of();
    if (!routed.isEmpty()) {
      state = new Batch(List.of(), routed, List.of(), now).applyTo(state);
      entries.addAll(audit.decided(state, List.of(), routed, now));
      routes = routes.isEmpty() ? routed : followedBy(routes, routed);
    }
    Batch batch = new Batch(accepted, routes, decisions.finished(), now, entries);
    if (!batch.isEmpty()) {
      log.tell(new DispatchLog.Record(batch, state.queuedCount() > 0));
    }
    for (Route route : routed) {
      assign(route.agentId(), state.entry(route.key()).assignment());
    }
    return routed;
  }

  /** Sends {@code assignment} to {@code agent}, whose replies come back to the dispatcher. */
  void assign(AgentId agent, Assignment assignment) {
    pool.ref(agent)
        .ifPresent(
            ref ->
                ref.tell(
                    new AgentCommand.Assign(
                        ToolDefinitions.complete(assignment, pool.tools()), agentReplies)));
  }

  private static List<Route> followedBy(List<Route> first, List<Route> then) {
    List<Route> both = new ArrayList<>(first.size() + then.size());
    both.addAll(first);
    both.addAll(then);
    return both;
  }
}
