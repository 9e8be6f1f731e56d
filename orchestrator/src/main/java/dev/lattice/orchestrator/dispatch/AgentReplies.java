package dev.lattice.orchestrator.dispatch;

import dev.lattice.orchestrator.guard.Verdict;
import dev.lattice.orchestrator.runlog.RunLogSink;
import dev.lattice.persistence.runlog.RunLogChunk;
import dev.lattice.protocol.agent.AgentReply;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.AuditKind;
import dev.lattice.protocol.time.SaturatingTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a dispatcher makes of its agents' replies about assignments, one method per kind: the
 * attempt started, is alive, finished, or was turned down. Every reply also tells the agent's load.
 * Plain Java on the dispatcher's thread: it returns the decisions, and the dispatcher carries them
 * out.
 */
final class AgentReplies {
  private final AgentPool pool;
  private final StepGuard guard;
  private final RunNotifier runs;
  private final QueueMetrics metrics;
  private final DispatchPolicy policy;
  private final DispatchAudit audit;
  private final AttemptEndings endings;
  private final Duration probeInterval;
  private final RunLogSink runLogs;

  AgentReplies(
      AgentPool pool,
      RunNotifier runs,
      QueueMetrics metrics,
      DispatchPolicy policy,
      DispatchAudit audit,
      AttemptEndings endings,
      StepGuard guard,
      Duration probeInterval,
      RunLogSink runLogs) {
    this.guard = guard;
    this.runLogs = runLogs;
    this.pool = pool;
    this.runs = runs;
    this.metrics = metrics;
    this.policy = policy;
    this.audit = audit;
    this.endings = endings;
    this.probeInterval = probeInterval;
  }

  /** The agent took the assignment: its run hears it started. */
  void accepted(AgentReply.Accepted reply, DispatcherState state, Instant now) {
    DispatcherState.Entry entry = heardFrom(reply, state);
    if (entry != null) {
      Assignment a = entry.assignment();
      // Waited until an agent took it: routings an agent turned down are part of the wait.
      metrics.waited(entry.key(), Duration.between(entry.acceptedAt(), now), now);
      runs.started(a.runId(), a.stepId(), a.attempt(), reply.agentId());
    }
  }

  /** The action running the assignment is alive: its run hears the heartbeat. */
  void alive(AgentReply.Alive reply, DispatcherState state) {
    DispatcherState.Entry entry = heardFrom(reply, state);
    if (entry != null) {
      Assignment a = entry.assignment();
      runs.heartbeat(a.runId(), a.stepId(), a.attempt());
    }
  }

  /**
   * The assignment's result, priced, goes on to its run and the assignment is finished; null for a
   * result of nothing here, which still goes on to its run.
   */
  Decisions finished(AgentReply.Finished reply, DispatcherState state, Instant now) {
    logged(reply);
    // A result counts whichever agent sent it: after a restart it may come from an earlier
    // routing of the attempt.
    DispatcherState.Entry entry = state.entry(reply.idempotencyKey());
    pool.reported(reply.agentId(), reply.load());
    if (entry == null) {
      runs.finished(reply.result());
      return null;
    }
    AssignmentResult result = policy.priced(entry.assignment(), reply.result());
    if (entry.agentId() != null) {
      pool.released(entry.agentId());
    }
    List<AuditEntry> notes = new ArrayList<>(2);
    for (Verdict verdict : guard.output(entry.assignment(), result)) {
      notes.add(
          audit.entry(
              AuditKind.GUARDRAIL,
              entry.assignment(),
              reply.agentId(),
              verdict.describe(),
              null,
              now));
      if (verdict.aborts() && result.outcome() instanceof StepOutcome.Succeeded ok) {
        // Dropped: the run, and the model after it, hear why instead. Its usage still counts.
        result =
            new AssignmentResult(
                result.runId(),
                result.stepId(),
                result.attempt(),
                result.idempotencyKey(),
                result.agentId(),
                new StepOutcome.Failed(
                    StepError.of(ErrorClass.POLICY_DENIED, verdict.describe()), ok.usage()));
      }
    }
    endings.ended(entry, result, audit.finished(entry.assignment(), result, now), notes);
    return Decisions.finish(entry.key()).noting(notes);
  }

  /**
   * What the agent's action wrote while it ran the attempt goes to the run's log, whether or not
   * the attempt is still this dispatcher's: the lines happened either way. A result answered again
   * from the agent's record brings none, so none is stored twice.
   */
  private void logged(AgentReply.Finished reply) {
    if (!reply.log().isEmpty()) {
      AssignmentResult result = reply.result();
      runLogs.append(
          new RunLogChunk(
              result.runId(),
              reply.agentId().value(),
              result.stepId(),
              result.attempt(),
              reply.log()));
    }
  }

  /**
   * The agent turned the assignment down: it is full, or its breaker is open. Returns the
   * assignment's way back to the queue; null if the agent was not running it.
   */
  Decisions rejected(AgentReply.Rejected reply, DispatcherState state, Instant now) {
    DispatcherState.Entry entry = heardFrom(reply, state);
    if (reply.breaker() != null) {
      // Leave the agent (or that model on it) alone until its breaker may accept, and at least
      // until the next probe, instead of treating it as merely full and asking again soon.
      long waitMs = Math.max(reply.breaker().retryAfterMs(), probeInterval.toMillis());
      pool.breakerOpen(
          reply.agentId(), reply.breaker().model(), SaturatingTime.plusMillis(now, waitMs));
    } else {
      pool.full(reply.agentId());
    }
    if (entry == null) {
      return null;
    }
    pool.released(reply.agentId());
    return Decisions.requeue(entry.key());
  }

  /**
   * Takes in the load {@code reply} reports; returns the entry of its assignment if the replying
   * agent is the one running it, otherwise null.
   */
  private DispatcherState.Entry heardFrom(AgentReply reply, DispatcherState state) {
    DispatcherState.Entry entry = state.entry(reply.idempotencyKey());
    pool.reported(reply.agentId(), reply.load());
    return entry != null && reply.agentId().equals(entry.agentId()) ? entry : null;
  }
}
