package dev.lattice.orchestrator.dispatch;

import dev.lattice.orchestrator.dispatch.DispatchLog.Accepted;
import dev.lattice.orchestrator.guard.Verdict;
import dev.lattice.orchestrator.tenant.TenantLedger;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.AuditKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a dispatcher decides about an assignment a run enqueues, before it joins the queue: refused
 * by policy (the attempt fails at once, its run hears why), accepted, or held back until its
 * tenant's ledger answers a reservation. Plain Java on the dispatcher's thread: it returns the
 * decisions, and the dispatcher carries them out.
 */
final class Admissions {
  private final DispatchPolicy policy;
  private final TenantHolds holds;
  private final AttemptEndings endings;
  private final DispatchAudit audit;
  private final StepGuard guard;

  Admissions(
      DispatchPolicy policy,
      TenantHolds holds,
      AttemptEndings endings,
      DispatchAudit audit,
      StepGuard guard) {
    this.policy = policy;
    this.holds = holds;
    this.endings = endings;
    this.audit = audit;
    this.guard = guard;
  }

  /**
   * What enqueuing {@code assignment} decides; null for nothing yet: a repeat of an attempt queued
   * or finished here, or one waiting for its tenant's ledger.
   */
  Decisions enqueue(Assignment assignment, DispatcherState state, Instant now) {
    String key = assignment.idempotencyKey();
    if (state.contains(key) || endings.repeated(key)) {
      return null;
    }
    List<String> undescribed = guard.undescribedTools(assignment);
    if (!undescribed.isEmpty()) {
      StepError error =
          StepError.of(
              ErrorClass.INVALID_INPUT,
              "no agent describes "
                  + undescribed
                  + " as a tool (a description and an argument schema, from its action or"
                  + " lattice.worker.tools): a capability without a schema cannot be offered");
      return refuse(assignment, error, AuditKind.DENIED, now);
    }
    List<AuditEntry> findings = new ArrayList<>();
    for (Verdict verdict : guard.input(assignment)) {
      if (verdict.aborts()) {
        StepError error = StepError.of(ErrorClass.POLICY_DENIED, verdict.describe());
        return refuse(assignment, error, AuditKind.GUARDRAIL, now).notingFirst(findings);
      }
      findings.add(
          audit.entry(AuditKind.GUARDRAIL, assignment, null, verdict.describe(), null, now));
    }
    Decisions decided = admit(assignment, state, now);
    if (findings.isEmpty()) {
      return decided;
    }
    return (decided == null ? Decisions.NONE : decided).notingFirst(findings);
  }

  private Decisions admit(Assignment assignment, DispatcherState state, Instant now) {
    String key = assignment.idempotencyKey();
    // Already admitted and waiting for its tenant's ledger: asked again (the run re-sent it).
    Optional<DispatchPolicy.Admitted> waiting = holds.waiting(key);
    DispatchPolicy.Admission admission =
        waiting.isPresent() ? waiting.get() : policy.admit(assignment);
    if (admission instanceof DispatchPolicy.Refused refused) {
      return refuse(assignment, refused.error(), refused.kind(), now);
    }
    DispatchPolicy.Admitted admitted = (DispatchPolicy.Admitted) admission;
    if (!admitted.tenantLimited()) {
      return accept(admitted, state, List.of());
    }
    return holds.reserve(admitted, now) ? acceptHeld(admitted, admitted.hold(), state, now) : null;
  }

  /**
   * What the tenant's ledger answering a reservation decides; null if no attempt here waits for it
   * (the run took it back meanwhile).
   */
  Decisions reserved(TenantLedger.Reservation reservation, DispatcherState state, Instant now) {
    DispatchPolicy.Admitted admitted = holds.answered(reservation).orElse(null);
    if (admitted == null) {
      return null;
    }
    if (!reservation.granted()) {
      StepError error = StepError.budgetExceeded(reservation.refusal());
      return refuse(admitted.assignment(), error, AuditKind.BUDGET_EXCEEDED, now);
    }
    return acceptHeld(admitted, reservation.hold(), state, now);
  }

  private Decisions accept(
      DispatchPolicy.Admitted admitted, DispatcherState state, List<AuditEntry> notes) {
    Accepted accepted = new Accepted(admitted.assignment(), state.lastTicket() + 1);
    return Decisions.accept(accepted).noting(notes);
  }

  /** Accepts an attempt whose tenant's budget holds {@code hold} for it. */
  private Decisions acceptHeld(
      DispatchPolicy.Admitted admitted, Spend hold, DispatcherState state, Instant now) {
    AuditEntry reserved =
        audit.entry(AuditKind.BUDGET_RESERVED, admitted.assignment(), null, null, hold, now);
    return accept(admitted, state, List.of(reserved));
  }

  /** The attempt fails at once, before dispatch: its run hears why, the log records it. */
  private Decisions refuse(Assignment assignment, StepError error, AuditKind kind, Instant now) {
    return Decisions.note(endings.refused(assignment, error, kind, now));
  }
}
