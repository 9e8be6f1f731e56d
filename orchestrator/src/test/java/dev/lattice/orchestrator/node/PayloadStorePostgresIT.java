package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.testing.TestJournal;
import dev.lattice.persistence.testing.EmbeddedPostgres;

/** {@link PayloadStoreIT} with its nodes on a PostgreSQL journal. */
class PayloadStorePostgresIT extends PayloadStoreIT {
  @Override
  TestJournal journal() {
    return TestJournal.shared(data, EmbeddedPostgres.shared().createDatabase());
  }
}
