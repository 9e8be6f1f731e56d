package dev.lattice.orchestrator.node;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.lattice.persistence.metrics.NodeMeters;
import dev.lattice.persistence.readmodel.JdbcRunIndex;
import dev.lattice.protocol.agent.BreakerState;
import dev.lattice.protocol.api.AgentView;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A node's meters in the Prometheus text format ({@code GET /metrics}): what its journal,
 * dispatchers and runs record in {@link NodeMeters}, the JVM's (memory, GC, threads, classes, CPU,
 * uptime), the agents' circuit breakers, the read models' connection pool (HikariCP's), the event
 * streams open on this node, and how many runs have not ended, by tenant and status.
 *
 * <p>Counters and histograms are this node's: a cluster's are the sum of its nodes'. The runs not
 * ended are counted from the run index, which every node shares, when the metrics are scraped: each
 * node reports the cluster's (aggregate them with {@code max}, not {@code sum}).
 */
final class NodeMetrics {
  private final PrometheusMeterRegistry prometheus =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MultiGauge unfinished;
  private final MultiGauge breakers;
  private final ReadModels readModels;
  private final Supplier<CompletionStage<List<AgentView>>> agents;
  private final Executor executor;

  private NodeMetrics(
      ReadModels readModels,
      Supplier<CompletionStage<List<AgentView>>> agents,
      MeterRegistry registry,
      Executor executor) {
    this.readModels = readModels;
    this.agents = agents;
    this.executor = executor;
    this.unfinished =
        MultiGauge.builder("lattice.runs")
            .description(
                "Runs that have not ended, by tenant and status (queued, running, paused), from"
                    + " the run index: the cluster's, the same on every node")
            .register(registry);
    this.breakers =
        MultiGauge.builder("lattice.breaker.state")
            .description(
                "Circuit breakers of the cluster's agents (model empty: the agent's own), 1 for the"
                    + " state each is in and 0 for the others")
            .register(registry);
  }

  /**
   * Starts publishing the meters of {@code system}'s node.
   *
   * @param agents the cluster's agents, with their breakers
   * @param openStreams how many event streams this node serves now
   * @param readModelPool the read models' pool, whose connections are measured when it is
   *     HikariCP's
   */
  static NodeMetrics start(
      ActorSystem<?> system,
      ReadModels readModels,
      Supplier<CompletionStage<List<AgentView>>> agents,
      IntSupplier openStreams,
      DataSource readModelPool,
      Executor executor) {
    NodeMeters meters = NodeMeters.get(system);
    MeterRegistry registry = meters.registry();
    NodeMetrics metrics = new NodeMetrics(readModels, agents, registry, executor);
    meters.publishTo(metrics.prometheus);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    system.getWhenTerminated().thenRun(gc::close);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    Gauge.builder("lattice.event.streams", openStreams::getAsInt)
        .description("Run event streams this node serves now")
        .register(registry);
    if (readModelPool instanceof HikariDataSource pool) {
      pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    }
    return metrics;
  }

  /**
   * The meters now, in the Prometheus text format, with the run index's counts and the agents'
   * breakers read first.
   */
  CompletionStage<String> scrape() {
    return readModels
        .countUnfinishedByTenant()
        .thenCombineAsync(
            agents.get(),
            (counts, listed) -> {
              unfinished.register(rows(counts), true);
              breakers.register(breakerRows(listed), true);
              return prometheus.scrape();
            },
            executor);
  }

  private static List<MultiGauge.Row<?>> breakerRows(List<AgentView> agents) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (AgentView agent : agents) {
      if (agent.breaker() != null) {
        states(rows, agent.agentId(), "", agent.breaker().state());
      }
      agent
          .modelBreakers()
          .forEach((model, breaker) -> states(rows, agent.agentId(), model, breaker.state()));
    }
    return rows;
  }

  private static void states(
      List<MultiGauge.Row<?>> rows, String agent, String model, BreakerState current) {
    for (BreakerState state : BreakerState.values()) {
      rows.add(
          MultiGauge.Row.of(
              Tags.of("agent", agent, "model", model, "state", state.wire()),
              state == current ? 1 : 0));
    }
  }

  private static List<MultiGauge.Row<?>> rows(List<JdbcRunIndex.TenantRuns> counts) {
    return counts.stream()
        .<MultiGauge.Row<?>>map(
            c ->
                MultiGauge.Row.of(
                    Tags.of("tenant", c.tenant(), "status", c.status().wire()), c.runs()))
        .toList();
  }
}
