package dev.lattice.persistence.runlog;

import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.testing.EmbeddedPostgres;

/** {@link JdbcRunLogIT} on PostgreSQL, a fresh database for each test. */
class JdbcRunLogPostgresIT extends JdbcRunLogIT {
  @Override
  JournalDatabase database() {
    return EmbeddedPostgres.shared().createDatabase();
  }
}
