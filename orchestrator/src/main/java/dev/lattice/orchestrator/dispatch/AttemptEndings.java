package dev.lattice.orchestrator.dispatch;

import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.agent.ToolEffect;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.AuditKind;
import java.time.Instant;
import java.util.List;

/**
 * How an attempt ends at a dispatcher, whatever ended it (its agent's result, a refusal before
 * dispatch, its run taking it back, its agent leaving): its run hears the result, a failure is
 * counted, the result is remembered so that a repeat is answered instead of run again, its tenant's
 * hold and its room at a rate-limited provider are settled, and an audit note records it. Plain
 * Java, used on the dispatcher's thread.
 */
final class AttemptEndings {
  private final RunNotifier runs;
  private final QueueMetrics metrics;
  private final TenantHolds holds;
  private final RatePermits permits;
  private final DispatchAudit audit;
  private final FinishedResults finished;

  AttemptEndings(
      RunNotifier runs,
      QueueMetrics metrics,
      TenantHolds holds,
      RatePermits permits,
      DispatchAudit audit,
      FinishedResults finished) {
    this.runs = runs;
    this.metrics = metrics;
    this.holds = holds;
    this.permits = permits;
    this.audit = audit;
    this.finished = finished;
  }

  /**
   * Whether {@code key} ended lately. The run sends an attempt again when it has not heard of it:
   * the result may have been lost on its way (the run's node went down), so it hears it again. A
   * run that had it ignores the repeat.
   */
  boolean repeated(String key) {
    if (!finished.contains(key)) {
      return false;
    }
    AssignmentResult told = finished.told(key);
    if (told != null) {
      runs.finished(told);
    }
    return true;
  }

  /** The attempt fails at once, before dispatch: its run hears why. Returns the audit note. */
  AuditEntry refused(Assignment assignment, StepError error, AuditKind kind, Instant at) {
    AssignmentResult refused =
        AssignmentResult.of(assignment, null, new StepOutcome.Failed(error, Usage.NONE));
    finished.remember(assignment.idempotencyKey(), refused);
    metrics.failed(error.errorClass());
    runs.finished(refused);
    return audit.entry(kind, assignment, null, error.message(), error.budget(), at);
  }

  /**
   * The run took back a queued attempt: it is told nothing, and the hold is released. Returns the
   * audit note.
   */
  AuditEntry withdrawn(DispatcherState.Entry entry, Instant at) {
    finished.remember(entry.key(), null);
    metrics.forget(entry.key());
    holds.settle(entry.assignment(), Usage.NONE);
    permits.done(entry.key(), 0, Usage.NONE);
    return audit.entry(AuditKind.WITHDRAWN, entry.assignment(), null, null, null, at);
  }

  /**
   * The attempt of {@code entry} ended with {@code result}: its run hears it, its tenant's hold is
   * settled, and {@code notes} gain the reconciliation (if any) and then {@code last}.
   */
  void ended(
      DispatcherState.Entry entry,
      AssignmentResult result,
      AuditEntry last,
      List<AuditEntry> notes) {
    runs.finished(result);
    if (result.outcome() instanceof StepOutcome.Failed failed) {
      metrics.failed(failed.error().errorClass());
    }
    finished.remember(entry.key(), result);
    Usage usage = DispatchPolicy.usage(result);
    // Each output the action rejected was one more request to its model.
    permits.done(entry.key(), result.outcome().rejected().size() + 1, usage);
    TenantHolds.Reconciled reconciled = holds.settle(entry.assignment(), usage);
    if (reconciled != null) {
      notes.add(
          audit.entry(
              AuditKind.BUDGET_RECONCILED, entry.assignment(), null, null, reconciled, last.at()));
    }
    notes.add(last);
    // After the accounting, which the meters must never hold up; the provider is looked up (the
    // step's input resolved again) only for an attempt that called a model.
    metrics.ended(
        entry.key(),
        result.agentId(),
        result.outcome(),
        usage.model() == null ? null : permits.provider(entry.assignment()),
        usage,
        last.at());
  }

  /**
   * Ends an attempt whose agent left while it ran (the agent stopped, or its node left or became
   * unreachable): the run hears a {@code worker_lost} failure and retries it as a new attempt, so a
   * late result of this one is stale; its budget hold is released. Adds what to audit to {@code
   * notes}.
   */
  void workerLost(
      DispatcherState.Entry entry, ToolEffect effect, Instant at, List<AuditEntry> notes) {
    String agent = entry.agentId().value();
    // An unsafe call may have happened: running it again could do it twice.
    StepError error =
        effect == ToolEffect.UNSAFE
            ? StepError.of(
                ErrorClass.UNKNOWN_OUTCOME,
                "agent "
                    + agent
                    + " left while running a call of unsafe tool '"
                    + entry.assignment().capability()
                    + "': it may have happened, so it is not repeated")
            : StepError.of(
                ErrorClass.WORKER_LOST, "agent " + agent + " left while running the attempt");
    AssignmentResult result =
        AssignmentResult.of(
            entry.assignment(), entry.agentId(), new StepOutcome.Failed(error, Usage.NONE));
    AuditEntry lost =
        audit.entry(
            AuditKind.WORKER_LOST, entry.assignment(), entry.agentId(), error.message(), null, at);
    ended(entry, result, lost, notes);
  }
}
