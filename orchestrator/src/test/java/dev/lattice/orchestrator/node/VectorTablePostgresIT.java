package dev.lattice.orchestrator.node;

import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.testing.EmbeddedPostgres;

/** {@link VectorTableIT} on a PostgreSQL journal database. */
class VectorTablePostgresIT extends VectorTableIT {
  @Override
  JournalDatabase database() {
    return EmbeddedPostgres.shared().createDatabase();
  }
}
