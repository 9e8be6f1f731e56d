package dev.lattice.orchestrator.http;

import dev.lattice.orchestrator.testing.TestJournal;
import dev.lattice.persistence.testing.EmbeddedPostgres;
import java.nio.file.Path;

/** {@link HttpStreamsIT} with the node's journal on PostgreSQL. */
class HttpStreamsPostgresIT extends HttpStreamsIT {
  @Override
  TestJournal journal(Path data) {
    return TestJournal.shared(data, EmbeddedPostgres.shared().createDatabase());
  }
}
