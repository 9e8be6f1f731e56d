package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.testing.TestJournal;
import dev.lattice.persistence.testing.EmbeddedPostgres;

/** {@link DurableCrashIT} with the killed node and its successor on a PostgreSQL journal. */
class DurableCrashPostgresIT extends DurableCrashIT {
  @Override
  TestJournal journal() {
    return TestJournal.shared(data, EmbeddedPostgres.shared().createDatabase());
  }
}
