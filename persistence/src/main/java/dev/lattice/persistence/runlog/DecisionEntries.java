package dev.lattice.persistence.runlog;

import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.log.LogLevel;
import dev.lattice.protocol.log.RunLogEntry;

/**
 * A dispatcher's decision (an entry of the audit trail) as an entry of its run's log, source {@code
 * dispatcher}. The queue's and the budget's bookkeeping, and an attempt done, are debug (the run's
 * own entries say how an attempt ended); a dispatch, a requeue and a withdrawal are info; what went
 * wrong (denied, over budget, the agent lost, failed, a guardrail) is a warning, and the run's own
 * entries follow with what it made of it.
 */
final class DecisionEntries {
  private DecisionEntries() {}

  static RunLogEntry of(AuditEntry decision) {
    return new RunLogEntry(
        decision.at(),
        level(decision),
        RunLogEntry.DISPATCHER,
        decision.stepId(),
        decision.attempt(),
        message(decision));
  }

  private static LogLevel level(AuditEntry decision) {
    return switch (decision.kind()) {
      case ENQUEUED, BUDGET_RESERVED, BUDGET_RECONCILED, DONE -> LogLevel.DEBUG;
      case DISPATCHED, REQUEUED, WITHDRAWN -> LogLevel.INFO;
      case DENIED, BUDGET_EXCEEDED, WORKER_LOST, FAILED, GUARDRAIL -> LogLevel.WARN;
    };
  }

  private static String message(AuditEntry decision) {
    String agent = decision.agentId() == null ? "" : decision.agentId();
    String text =
        switch (decision.kind()) {
          case ENQUEUED -> "queued at " + decision.busKey();
          case DISPATCHED -> "dispatched to " + agent;
          case REQUEUED -> "back in the queue at " + decision.busKey();
          case DONE -> "done by " + agent;
          case FAILED -> "failed on " + agent;
          default -> decision.kind().wire();
        };
    return decision.detail() == null ? text : text + ": " + decision.detail();
  }
}
