package dev.lattice.persistence.readmodel;

import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.journal.JournalPool;

/**
 * The connection pool of the read models, in the journal's database. Small on purpose: read-model
 * writes are batched by their writers, and each connection competes with the journal's.
 *
 * <p>{@link #close()} returns once the pool's connections are closed and its threads have ended.
 */
public final class ReadModelDatabase extends JournalPool {
  private static final String POOL_NAME = "lattice-read-models";

  public ReadModelDatabase(JournalDatabase database, int poolSize) {
    super(database, poolSize, POOL_NAME, false);
  }
}
