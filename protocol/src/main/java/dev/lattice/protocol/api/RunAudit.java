package dev.lattice.protocol.api;

import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.InterventionEntry;
import dev.lattice.protocol.ids.RunId;
import java.util.List;

/**
 * A run's audit trail: every decision its dispatchers made about its steps, and every intervention
 * in it, each in the order they were recorded.
 *
 * @param runId the run
 * @param entries its dispatchers' decisions, oldest first (empty for a run no dispatcher has seen
 *     yet)
 * @param interventions who paused, resumed, cancelled, signalled, overrode or retried what, oldest
 *     first
 */
public record RunAudit(
    RunId runId, List<AuditEntry> entries, List<InterventionEntry> interventions) {
  public RunAudit {
    entries = entries == null ? List.of() : List.copyOf(entries);
    interventions = interventions == null ? List.of() : List.copyOf(interventions);
  }

  /** A trail of decisions without interventions. */
  public RunAudit(RunId runId, List<AuditEntry> entries) {
    this(runId, entries, List.of());
  }
}
