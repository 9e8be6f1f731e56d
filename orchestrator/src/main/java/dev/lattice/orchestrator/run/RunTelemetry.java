package dev.lattice.orchestrator.run;

import dev.lattice.orchestrator.run.core.RunState;
import dev.lattice.orchestrator.tracing.RunSpans;
import dev.lattice.persistence.metrics.NodeMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What a run tells the node's telemetry once its events are written: runs started and ended, by
 * tenant (and by how they ended), counted on the node its entity lives on, so a cluster's counts
 * are the sum of its nodes'; and, when it ends, its span ({@link RunSpans}). How many runs are
 * running or waiting now is a question for the run index, asked when the metrics are scraped
 * ({@code lattice_runs}).
 */
final class RunTelemetry {
  private final ActorSystem<?> system;
  private final MeterRegistry registry;

  RunTelemetry(ActorSystem<?> system) {
    this.system = system;
    this.registry = NodeMeters.get(system).registry();
  }

  void started(String tenant) {
    Counter.builder("lattice.runs.started")
        .description("Runs started")
        .tag("tenant", tenant)
        .register(registry)
        .increment();
  }

  /** The run of {@code state} has just ended. */
  void ended(RunState state) {
    Counter.builder("lattice.runs.finished")
        .description("Runs that ended, by status (completed, failed, cancelled)")
        .tag("tenant", state.tenant().value())
        .tag("status", state.status().wire())
        .register(registry)
        .increment();
    RunSpans.ended(
        system,
        state.runId().value(),
        state.spec(),
        state.status(),
        state.cause() == null ? null : state.cause().message(),
        state.startedAt(),
        state.updatedAt());
  }
}
