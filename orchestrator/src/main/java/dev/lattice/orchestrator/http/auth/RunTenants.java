package dev.lattice.orchestrator.http.auth;

import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Which tenant each run belongs to, from the run index, remembered: a run's tenant never changes,
 * so a principal of one tenant asking again about the same run costs no database read.
 */
public final class RunTenants {
  // A run's tenant is fixed at its start; nothing makes an entry wrong but the run's deletion, and
  // then the run itself answers "not found".
  private static final long FOREVER_NANOS = Long.MAX_VALUE / 2;

  private final LatticeClient client;
  private final ExpiringCache<String, TenantId> known;
  private final Executor executor;

  public RunTenants(LatticeClient client, int maxEntries, Executor executor) {
    this.client = client;
    this.known = new ExpiringCache<>(maxEntries);
    this.executor = executor;
  }

  /** The run's tenant; empty when there is no such run. */
  public CompletionStage<Optional<TenantId>> of(RunId runId) {
    TenantId tenant = known.get(runId.value());
    if (tenant != null) {
      return CompletableFuture.completedFuture(Optional.of(tenant));
    }
    return client
        .summary(runId)
        .thenApplyAsync(
            summary ->
                summary.map(
                    found -> {
                      TenantId owner = TenantId.of(found.tenant());
                      known.put(runId.value(), owner, FOREVER_NANOS);
                      return owner;
                    }),
            executor);
  }

  /** Remembers the tenant of a run this node has just started or read. */
  public void remember(RunId runId, TenantId tenant) {
    known.put(runId.value(), tenant, FOREVER_NANOS);
  }
}
