package dev.lattice.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The floor: the least a durable system must do for the same runs. Each run writes one journal row
 * per step, each with its own autocommitted plain-JDBC insert, from {@code concurrency} threads,
 * through the same JDBC URL and settings as Lattice's journal.
 */
final class FloorBaseline {
  private FloorBaseline() {}

  /** Runs {@code runs} runs of {@code steps} rows each; returns runs per second. */
  static double runsPerSecond(
      String url,
      String user,
      String password,
      String prefix,
      int runs,
      int steps,
      int concurrency,
      byte[] payload)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<?>> done = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < concurrency; t++) {
        done.add(
            threads.submit(
                () -> {
                  try (Connection c = DriverManager.getConnection(url, user, password);
                      PreparedStatement insert = c.prepareStatement(JournalInsert.SQL)) {
                    c.setAutoCommit(true);
                    for (int run = next.getAndIncrement();
                        run < runs;
                        run = next.getAndIncrement()) {
                      for (int step = 1; step <= steps; step++) {
                        JournalInsert.bind(insert, prefix + run, step, payload);
                        insert.executeUpdate();
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      return runs / ((System.nanoTime() - start) / 1e9);
    } finally {
      threads.shutdownNow();
    }
  }
}
