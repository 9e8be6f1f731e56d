package dev.lattice.persistence.audit;

import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.testing.EmbeddedPostgres;

/** {@link AuditChainsIT} on PostgreSQL, a fresh database for each test. */
class AuditChainsPostgresIT extends AuditChainsIT {
  @Override
  JournalDatabase database() {
    return EmbeddedPostgres.shared().createDatabase();
  }
}
