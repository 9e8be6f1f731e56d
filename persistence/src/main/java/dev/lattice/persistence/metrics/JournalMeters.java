package dev.lattice.persistence.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The journal's meters: how long each write transaction took ({@code
 * lattice_journal_write_seconds}, by outcome) and how many events it carried ({@code
 * lattice_journal_batch_events}): the write queue batches concurrent writes into one transaction,
 * so the two together say whether the database or the batching is what limits a node.
 */
public final class JournalMeters {
  private final Timer written;
  private final Timer failed;
  private final DistributionSummary batch;

  public JournalMeters(NodeMeters meters) {
    String description = "Journal write transactions: events, run index and audit rows together";
    this.written =
        meters
            .durations("lattice.journal.write", description)
            .tag("outcome", "ok")
            .register(meters.registry());
    this.failed =
        meters
            .durations("lattice.journal.write", description)
            .tag("outcome", "error")
            .register(meters.registry());
    this.batch =
        DistributionSummary.builder("lattice.journal.batch")
            .description("Events written by one journal transaction")
            .baseUnit("events")
            .register(meters.registry());
  }

  /** A transaction of {@code events} events took {@code nanos}, and committed or not. */
  public void written(int events, long nanos, boolean committed) {
    (committed ? written : failed).record(nanos, TimeUnit.NANOSECONDS);
    if (committed) {
      batch.record(events);
    }
  }
}
