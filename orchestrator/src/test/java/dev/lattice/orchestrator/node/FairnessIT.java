package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.DelayedEcho;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.QueueView;
import dev.lattice.protocol.api.QueueWait;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.worker.agent.AgentSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fairness between tenants: while one tenant floods the only agent of a capability, another
 * tenant's work still gets its turn on it, instead of waiting for the flood to drain.
 */
class FairnessIT {
  private static final Duration STEP = Duration.ofMillis(50);
  private static final int CAPACITY = 2;

  /** The flood takes HEAVY_RUNS × STEP / CAPACITY to drain: about 3.75 s. */
  private static final int HEAVY_RUNS = 150;

  private static final int LIGHT_RUNS = 6;

  /**
   * The light tenant's bound: with turns, its step waits for about one step to end (two slots,
   * three dispatchers in line); without them it waits until the flood has drained. Generous for a
   * loaded machine, and still well under the drain time.
   */
  private static final Duration LIGHT_WAIT_BOUND = Duration.ofMillis(750);

  private static final String PLAN =
      "{'steps': [{'id': 'work', 'capability': 'slow', 'input': {'n': 1}}]}";

  @TempDir Path data;

  @Test
  void aLightTenantsQueueWaitStaysBoundedWhileAHeavyTenantFloods() {
    try (Lattice node =
        Lattice.builder()
            .dataDirectory(data)
            .namedAction("slow", DelayedEcho.after(STEP))
            .agent(new AgentSpec("slow", "slow", Set.of("slow"), Set.of(), CAPACITY, 0))
            .start()) {
      List<CompletableFuture<RunView>> heavy = new ArrayList<>();
      for (int i = 0; i < HEAVY_RUNS; i++) {
        RunId run = execute(node, TenantId.of("heavy"));
        heavy.add(node.client().awaitTerminal(run).toCompletableFuture());
      }
      Await.until(() -> queued(node, "/heavy") >= 20, Duration.ofSeconds(30));

      // One light run at a time, each a single step that has to find a slot on the busy agent.
      for (int i = 0; i < LIGHT_RUNS; i++) {
        RunView light =
            Await.result(
                node.client().awaitTerminal(execute(node, TenantId.of("light"))),
                Duration.ofSeconds(30));
        assertThat(light.status()).isEqualTo(RunStatus.COMPLETED);
      }
      long heavyLeft = heavy.stream().filter(f -> !f.isDone()).count();

      // The light tenant's runs may use both of its shards' queues: every wait counts.
      List<QueueWait> lightWaits =
          queues(node, "/light").stream().map(QueueView::queueWait).toList();
      assertThat(lightWaits.stream().mapToLong(QueueWait::count).sum()).isEqualTo(LIGHT_RUNS);
      assertThat(lightWaits)
          .allSatisfy(w -> assertThat(w.p99Ms()).isLessThan(LIGHT_WAIT_BOUND.toMillis()));
      // The light runs were done while the flood was still going, not after it.
      assertThat(heavyLeft).isPositive();
      for (CompletableFuture<RunView> run : heavy) {
        assertThat(Await.result(run, Duration.ofSeconds(60)).status())
            .isEqualTo(RunStatus.COMPLETED);
      }
    }
  }

  private static RunId execute(Lattice node, TenantId tenant) {
    return Await.result(
            node.client()
                .execute(
                    ExecuteRequest.plan(plan(PLAN), json("{'text': 'hi'}")).withTenant(tenant)))
        .runId();
  }

  private static int queued(Lattice node, String tenantSuffix) {
    return queues(node, tenantSuffix).stream().mapToInt(QueueView::queued).sum();
  }

  private static List<QueueView> queues(Lattice node, String tenantSuffix) {
    return Await.result(node.client().state()).queues().stream()
        .filter(q -> q.busKey().endsWith(tenantSuffix))
        .toList();
  }
}
