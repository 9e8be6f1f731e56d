package dev.lattice.persistence.journal;

import dev.lattice.persistence.testing.EmbeddedPostgres;

/** {@link AuditMigrationIT} on PostgreSQL, a fresh database for each test. */
class AuditMigrationPostgresIT extends AuditMigrationIT {
  @Override
  JournalDatabase database() {
    return EmbeddedPostgres.shared().createDatabase();
  }
}
