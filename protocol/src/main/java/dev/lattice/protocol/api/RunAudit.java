package dev.lattice.protocol.api;

import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.ids.RunId;
import java.util.List;

/**
 * A run's audit trail: every decision its dispatchers made about its steps, in the order they were
 * recorded.
 *
 * @param runId the run
 * @param entries its decisions, oldest first (empty for a run no dispatcher has seen yet)
 */
public record RunAudit(RunId runId, List<AuditEntry> entries) {
  public RunAudit {
    entries = List.copyOf(entries);
  }
}
