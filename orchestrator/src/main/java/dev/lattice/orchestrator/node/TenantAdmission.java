package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.policy.PolicySettings;
import dev.lattice.protocol.api.PlannedRun;
import dev.lattice.protocol.api.TenantUsage;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.plan.ExecutionMode;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Whether a tenant may start a run: not once it has spent its period's budget. The check asks the
 * tenant's ledger; an answer that the budget is not spent is trusted for {@code
 * lattice.policy.ledger.admission-cache}, so that a busy tenant's runs do not each wait for a round
 * trip to its ledger before they start. A stale answer overspends nothing: every attempt is still
 * reserved with the ledger before dispatch, so a run let in meanwhile has its attempts refused
 * ({@code budget_exceeded}) instead of being refused whole.
 *
 * <p>Thread-safe: the node's client calls it from any thread.
 */
final class TenantAdmission {
  private final PolicySettings policy;
  private final Function<TenantId, CompletionStage<TenantUsage>> ledgers;
  private final Executor executor;
  private final Clock clock;
  // When each tenant's ledger last said its budget was not spent.
  private final Map<TenantId, Instant> notSpentAt = new ConcurrentHashMap<>();

  /**
   * Admission under {@code policy}, asking {@code ledgers} for a tenant's usage and completing on
   * {@code executor}.
   */
  TenantAdmission(
      PolicySettings policy,
      Function<TenantId, CompletionStage<TenantUsage>> ledgers,
      Executor executor,
      Clock clock) {
    this.policy = policy;
    this.ledgers = ledgers;
    this.executor = executor;
    this.clock = clock;
  }

  /** {@code planned}, or a failure if its tenant has spent its budget; a dry run spends nothing. */
  CompletionStage<PlannedRun> admit(PlannedRun planned) {
    TenantId tenant = planned.tenant();
    if (planned.mode() == ExecutionMode.DRY_RUN || policy.tenantBudget(tenant).isEmpty()) {
      return CompletableFuture.completedFuture(planned);
    }
    Instant known = notSpentAt.get(tenant);
    if (known != null && clock.instant().isBefore(known.plus(policy.ledger().admissionCache()))) {
      return CompletableFuture.completedFuture(planned);
    }
    return usage(tenant)
        .thenApply(
            usage -> {
              if (usage.isPresent() && usage.get().spent()) {
                throw new TenantBudgetSpentException(usage.get());
              }
              return planned;
            });
  }

  /** The usage of {@code tenant} in its current budget period, if it has a budget. */
  CompletionStage<Optional<TenantUsage>> usage(TenantId tenant) {
    if (policy.tenantBudget(tenant).isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Instant asked = clock.instant();
    return ledgers
        .apply(tenant)
        .thenApplyAsync(
            usage -> {
              if (usage.spent()) {
                notSpentAt.remove(tenant);
              } else {
                notSpentAt.put(tenant, asked);
              }
              return Optional.of(usage);
            },
            executor);
  }
}
