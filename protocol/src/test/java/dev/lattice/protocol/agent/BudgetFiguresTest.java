package dev.lattice.protocol.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.protocol.plan.Budget;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class BudgetFiguresTest {
  private static Spend spend(long tokens, String cost) {
    return new Spend(tokens, new BigDecimal(cost));
  }

  @Test
  void isExceededWhenUsedReservedAndRequestedTogetherPassTheTokenLimit() {
    Budget limit = new Budget(100L, null);
    assertThat(
            new BudgetFigures(
                    BudgetScope.RUN, limit, spend(40, "0"), spend(30, "0"), spend(30, "0"))
                .exceeded())
        .isFalse();
    assertThat(
            new BudgetFigures(
                    BudgetScope.RUN, limit, spend(40, "0"), spend(30, "0"), spend(31, "0"))
                .exceeded())
        .isTrue();
  }

  @Test
  void isExceededWhenTheCostPassesTheLimitExactly() {
    Budget limit = new Budget(null, new BigDecimal("0.50"));
    assertThat(new BudgetFigures(BudgetScope.STEP, limit, null, null, spend(10, "0.5")).exceeded())
        .isFalse();
    assertThat(
            new BudgetFigures(BudgetScope.STEP, limit, null, null, spend(10, "0.5000001"))
                .exceeded())
        .isTrue();
  }

  @Test
  void anUnlimitedBudgetIsNeverExceeded() {
    assertThat(
            new BudgetFigures(
                    BudgetScope.TENANT,
                    Budget.UNLIMITED,
                    spend(Long.MAX_VALUE / 4, "1000000"),
                    null,
                    spend(1, "1"))
                .exceeded())
        .isFalse();
  }

  @Test
  void missingFiguresCountAsNothing() {
    BudgetFigures figures =
        new BudgetFigures(BudgetScope.STEP, new Budget(1L, null), null, null, null);
    assertThat(figures.used()).isEqualTo(Spend.NONE);
    assertThat(figures.reserved()).isEqualTo(Spend.NONE);
    assertThat(figures.requested()).isEqualTo(Spend.NONE);
    assertThat(figures.exceeded()).isFalse();
  }

  @Test
  void describesTheLimitThatWasPassedAndEveryFigure() {
    BudgetFigures tokens =
        new BudgetFigures(
            BudgetScope.RUN,
            new Budget(100L, null),
            spend(60, "0.1"),
            spend(30, "0.05"),
            spend(20, "0.02"));
    assertThat(tokens.describe())
        .isEqualTo(
            "run budget exceeded: 110 tokens of 100 (used 60 tokens / 0.1 USD, reserved 30 /"
                + " 0.05, this attempt 20 / 0.02)");
    BudgetFigures cost =
        new BudgetFigures(
            BudgetScope.STEP,
            new Budget(null, new BigDecimal("0.4")),
            null,
            null,
            spend(400, "0.5"));
    assertThat(cost.describe())
        .isEqualTo(
            "step budget exceeded: 0.5 USD of 0.4 (used 0 tokens / 0 USD, reserved 0 / 0, this"
                + " attempt 400 / 0.5)");
  }
}
