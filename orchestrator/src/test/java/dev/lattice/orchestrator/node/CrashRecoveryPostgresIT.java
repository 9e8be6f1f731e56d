package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.testing.TestJournal;
import dev.lattice.persistence.testing.EmbeddedPostgres;

/** {@link CrashRecoveryIT} with the killed node and its successor on a PostgreSQL journal. */
class CrashRecoveryPostgresIT extends CrashRecoveryIT {
  @Override
  TestJournal journal() {
    return TestJournal.shared(data, EmbeddedPostgres.shared().createDatabase());
  }
}
