package dev.lattice.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The ceiling: as many journal rows as Lattice wrote, put into the journal table the fastest
 * plain-JDBC way found here: multi-row batches in one transaction each, from a few threads.
 */
final class CeilingBaseline {
  /** Rows per transaction; larger batches gained nothing measurable here. */
  static final int BATCH = 500;

  /** Writer threads; H2 serialises commits, so more than the core count only adds contention. */
  static final int THREADS = 2;

  private CeilingBaseline() {}

  /** Inserts {@code rows} rows; returns rows per second. */
  static double rowsPerSecond(
      String url, String user, String password, String prefix, long rows, byte[] payload)
      throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < THREADS; t++) {
        long share = rows / THREADS + (t < rows % THREADS ? 1 : 0);
        String writer = prefix + t;
        done.add(
            threads.submit(
                () -> {
                  try (Connection c = DriverManager.getConnection(url, user, password);
                      PreparedStatement insert = c.prepareStatement(JournalInsert.SQL)) {
                    c.setAutoCommit(false);
                    for (long i = 1; i <= share; i++) {
                      JournalInsert.bind(insert, writer + "-" + (i / 12), i, payload);
                      insert.addBatch();
                      if (i % BATCH == 0 || i == share) {
                        insert.executeBatch();
                        c.commit();
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      return rows / ((System.nanoTime() - start) / 1e9);
    } finally {
      threads.shutdownNow();
    }
  }
}
