package dev.lattice.protocol.audit;

import java.util.List;

/**
 * A journal event that carries audit entries. The journal writes them to the audit read model in
 * the same transaction as the event itself, so the audit trail never misses nor lags a decision.
 */
public interface Audited {
  List<AuditEntry> auditEntries();
}
