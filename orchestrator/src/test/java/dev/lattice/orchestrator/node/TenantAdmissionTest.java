package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.ManualClock;
import dev.lattice.orchestrator.policy.PolicySettings;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.api.PlannedRun;
import dev.lattice.protocol.api.TenantUsage;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.protocol.plan.ExecutionMode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class TenantAdmissionTest {
  private static final TenantId ACME = TenantId.of("acme");

  /** acme may spend 1,000 tokens a day; a ledger's "not spent" is trusted for 250 ms. */
  private static final PolicySettings POLICY =
      PolicySettings.create(
          ConfigFactory.parseString(
                  "lattice.policy.tenants.acme.budget { max-tokens = 1000, period = 1d }")
              .withFallback(ConfigFactory.defaultReference()));

  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final List<TenantId> asked = new ArrayList<>();
  private long used;
  private final TenantAdmission admission =
      new TenantAdmission(
          POLICY,
          tenant -> {
            asked.add(tenant);
            return CompletableFuture.completedFuture(
                new TenantUsage(
                    tenant.value(),
                    Instant.EPOCH,
                    new Spend(used, BigDecimal.ZERO),
                    Spend.NONE,
                    new Budget(1000L, null)));
          },
          Runnable::run,
          clock);

  private static PlannedRun planned(TenantId tenant, ExecutionMode mode) {
    return new PlannedRun(tenant, mode, null, null, null, List.of());
  }

  private PlannedRun admit(TenantId tenant) {
    return admission.admit(planned(tenant, ExecutionMode.AUTO)).toCompletableFuture().join();
  }

  @Test
  void aLedgersNotSpentIsTrustedBrieflyThenAskedAgain() {
    admit(ACME);
    admit(ACME);
    assertThat(asked).hasSize(1);
    clock.advance(Duration.ofMillis(250));
    admit(ACME);
    assertThat(asked).hasSize(2);
  }

  @Test
  void aSpentBudgetRefusesTheRunAndIsNeverTrusted() {
    used = 1000;
    assertThatThrownBy(() -> admit(ACME))
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(TenantBudgetSpentException.class);
    assertThatThrownBy(() -> admit(ACME)).hasCauseInstanceOf(TenantBudgetSpentException.class);
    assertThat(asked).hasSize(2);
  }

  @Test
  void aUsageQueryRefreshesWhatAdmissionKnows() {
    admit(ACME);
    used = 1000;
    assertThat(admission.usage(ACME).toCompletableFuture().join().orElseThrow().spent()).isTrue();
    assertThatThrownBy(() -> admit(ACME)).hasCauseInstanceOf(TenantBudgetSpentException.class);
  }

  @Test
  void dryRunsAndTenantsWithoutABudgetNeverAsk() {
    used = 1000;
    admission.admit(planned(ACME, ExecutionMode.DRY_RUN)).toCompletableFuture().join();
    admit(TenantId.of("unlimited"));
    assertThat(asked).isEmpty();
  }
}
