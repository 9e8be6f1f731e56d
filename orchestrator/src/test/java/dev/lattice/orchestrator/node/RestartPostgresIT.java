package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.testing.TestJournal;
import dev.lattice.persistence.testing.EmbeddedPostgres;

/** {@link RestartIT} with both nodes on a PostgreSQL journal. */
class RestartPostgresIT extends RestartIT {
  @Override
  TestJournal journal() {
    return TestJournal.shared(data, EmbeddedPostgres.shared().createDatabase());
  }
}
