package dev.lattice.persistence.journal;

import dev.lattice.persistence.testing.EmbeddedPostgres;

/** {@link JdbcRunRetentionIT} on PostgreSQL, a fresh database for each test. */
class JdbcRunRetentionPostgresIT extends JdbcRunRetentionIT {
  @Override
  JournalDatabase database() {
    return EmbeddedPostgres.shared().createDatabase();
  }
}
