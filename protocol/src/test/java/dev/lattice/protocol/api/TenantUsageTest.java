package dev.lattice.protocol.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.agent.BudgetFigures;
import dev.lattice.protocol.agent.BudgetScope;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.plan.Budget;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TenantUsageTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private static Spend spend(long tokens, String cost) {
    return new Spend(tokens, new BigDecimal(cost));
  }

  private static TenantUsage usage(Spend used, Spend reserved, Budget limit) {
    return new TenantUsage("acme", START, used, reserved, limit);
  }

  @Test
  void isSpentOnceTheTokensUsedReachTheLimit() {
    Budget limit = new Budget(100L, null);
    assertThat(usage(spend(99, "0"), Spend.NONE, limit).spent()).isFalse();
    assertThat(usage(spend(100, "0"), Spend.NONE, limit).spent()).isTrue();
  }

  @Test
  void isSpentOnceTheCostUsedReachesTheLimit() {
    Budget limit = new Budget(null, new BigDecimal("1.00"));
    assertThat(usage(spend(0, "0.99"), Spend.NONE, limit).spent()).isFalse();
    assertThat(usage(spend(0, "1"), Spend.NONE, limit).spent()).isTrue();
  }

  @Test
  void reservedBudgetDoesNotMakeItSpent() {
    assertThat(usage(spend(10, "0"), spend(90, "0"), new Budget(100L, null)).spent()).isFalse();
  }

  @Test
  void isNeverSpentWithoutALimit() {
    assertThat(usage(spend(1_000_000, "1000"), Spend.NONE, Budget.UNLIMITED).spent()).isFalse();
  }

  @Test
  void figuresAreTheTenantsWithWhatIsUsedReservedAndRequested() {
    Budget limit = new Budget(100L, null);
    BudgetFigures figures = usage(spend(40, "0"), spend(30, "0"), limit).figures(spend(31, "0"));
    assertThat(figures)
        .isEqualTo(
            new BudgetFigures(
                BudgetScope.TENANT, limit, spend(40, "0"), spend(30, "0"), spend(31, "0")));
    assertThat(figures.exceeded()).isTrue();
  }
}
