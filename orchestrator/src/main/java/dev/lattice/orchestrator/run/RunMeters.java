package dev.lattice.orchestrator.run;

import dev.lattice.persistence.metrics.NodeMeters;
import dev.lattice.protocol.run.RunStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Runs started and ended on this node, by tenant (and by how they ended), counted once their events
 * are written: a run's counts belong to the node its entity lives on, so a cluster's are the sum of
 * its nodes'. How many runs are running or waiting now is a question for the run index, asked when
 * the metrics are scraped ({@code lattice_runs}).
 */
final class RunMeters {
  private final MeterRegistry registry;

  RunMeters(NodeMeters meters) {
    this.registry = meters.registry();
  }

  void started(String tenant) {
    Counter.builder("lattice.runs.started")
        .description("Runs started")
        .tag("tenant", tenant)
        .register(registry)
        .increment();
  }

  void ended(String tenant, RunStatus status) {
    Counter.builder("lattice.runs.finished")
        .description("Runs that ended, by status (completed, failed, cancelled)")
        .tag("tenant", tenant)
        .tag("status", status.wire())
        .register(registry)
        .increment();
  }
}
