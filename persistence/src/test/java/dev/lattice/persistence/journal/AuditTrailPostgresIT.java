package dev.lattice.persistence.journal;

import dev.lattice.persistence.testing.EmbeddedPostgres;

/** {@link AuditTrailIT} with the journal on PostgreSQL, a fresh database for each test. */
class AuditTrailPostgresIT extends AuditTrailIT {
  @Override
  JournalDatabase database() {
    return EmbeddedPostgres.shared().createDatabase();
  }
}
