package dev.lattice.orchestrator.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.policy.TenantBudget;
import dev.lattice.protocol.agent.BudgetFigures;
import dev.lattice.protocol.agent.BudgetScope;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.api.TenantUsage;
import dev.lattice.protocol.plan.Budget;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A ledger's bookkeeping, without actors: lessees and parked reservations are plain strings. */
class LedgerBookTest {
  private static final Budget LIMIT = new Budget(1_000L, null);
  private static final TenantBudget BUDGET = new TenantBudget(LIMIT, Duration.ofDays(1));
  private static final Instant NOW = Instant.parse("2026-03-04T15:00:00Z");
  private static final Instant START = Instant.parse("2026-03-04T00:00:00Z");

  private final LedgerBook<String, String> book = new LedgerBook<>("acme", BUDGET);

  private static Spend tokens(long n) {
    return new Spend(n, BigDecimal.ZERO);
  }

  private LedgerBook.Decision<String> reserve(String key, long hold, long used) {
    return book.reserve("request " + key, key, tokens(hold), START, tokens(used));
  }

  @Test
  void periodsAreAlignedToTheBudgetsPeriod() {
    assertThat(book.periodStart(NOW)).isEqualTo(START);
    assertThat(new LedgerBook<String, String>("free", null).periodStart(NOW))
        .isEqualTo(Instant.EPOCH);
  }

  @Test
  void grantsAHoldThatFitsAndCountsItAsReserved() {
    assertThat(reserve("a", 600, 0).granted()).isTrue();

    assertThat(book.usage(START, tokens(100)))
        .isEqualTo(new TenantUsage("acme", START, tokens(100), tokens(600), LIMIT));
  }

  @Test
  void refusesAHoldPastTheLimitWithTheFigures() {
    reserve("a", 600, 0);

    LedgerBook.Decision<String> refused = reserve("b", 500, 0);

    assertThat(refused.granted()).isFalse();
    assertThat(refused.parked()).isFalse();
    assertThat(refused.refusal())
        .isEqualTo(
            new BudgetFigures(BudgetScope.TENANT, LIMIT, tokens(0), tokens(600), tokens(500)));
    assertThat(book.usage(START, Spend.NONE).reserved()).isEqualTo(tokens(600));
  }

  @Test
  void countsWhatWasSpentAgainstTheLimit() {
    assertThat(reserve("a", 300, 800).refusal()).isNotNull();
    assertThat(reserve("b", 200, 800).granted()).isTrue();
  }

  @Test
  void aRepeatedReservationReplacesItsEarlierHold() {
    reserve("a", 600, 0);

    assertThat(reserve("a", 900, 0).granted()).isTrue();
    assertThat(book.usage(START, Spend.NONE).reserved()).isEqualTo(tokens(900));
  }

  @Test
  void settlingReleasesTheHold() {
    reserve("a", 600, 0);

    book.settled("a");

    assertThat(book.usage(START, Spend.NONE).reserved()).isEqualTo(Spend.NONE);
    assertThat(book.holdsNothing()).isTrue();
  }

  @Test
  void aTenantWithoutABudgetIsNeverRefusedAndNeverLeased() {
    LedgerBook<String, String> free = new LedgerBook<>("free", null);

    assertThat(free.reserve("r", "a", tokens(1_000_000), Instant.EPOCH, Spend.NONE).granted())
        .isTrue();
    assertThat(free.usage(Instant.EPOCH, Spend.NONE).limit()).isEqualTo(Budget.UNLIMITED);
    assertThat(free.mayLease(tokens(1), Instant.EPOCH, Spend.NONE)).isFalse();
  }

  @Test
  void leasesOnlyWhileAsMuchAgainStaysFree() {
    assertThat(book.mayLease(tokens(300), START, tokens(400))).isTrue();
    assertThat(book.mayLease(tokens(301), START, tokens(400))).isFalse();
  }

  @Test
  void aLeaseCountsAsReservedUntilItsAttemptsSettleOrItIsGivenBack() {
    assertThat(book.lease("d1", tokens(300))).isTrue();
    assertThat(book.lease("d1", tokens(100))).isFalse();
    assertThat(book.usage(START, Spend.NONE).reserved()).isEqualTo(tokens(400));

    assertThat(book.settledLeased("d1", tokens(100))).isFalse();
    assertThat(book.givenBack("d1", tokens(300))).isTrue();

    assertThat(book.usage(START, Spend.NONE).reserved()).isEqualTo(Spend.NONE);
    assertThat(book.holdsNothing()).isTrue();
  }

  @Test
  void aHoldThatLeasesKeepFromFitWaitsForTheirRecallAndLaterOnesWaitBehindIt() {
    book.lease("d1", tokens(300));
    book.lease("d2", tokens(300));

    LedgerBook.Decision<String> first = reserve("a", 700, 0);
    LedgerBook.Decision<String> second = reserve("b", 100, 0);

    assertThat(first.parked()).isTrue();
    assertThat(first.recall()).containsExactlyInAnyOrder("d1", "d2");
    assertThat(second.parked()).isTrue();
    assertThat(second.recall()).isEmpty();
    assertThat(book.mayLease(tokens(1), START, Spend.NONE)).isFalse();

    book.givenBack("d1", tokens(300));
    assertThat(book.parkedDecidable()).isFalse();
    book.givenBack("d2", tokens(300));
    assertThat(book.parkedDecidable()).isTrue();

    assertThat(book.takeParked()).containsExactly("request a", "request b");
    assertThat(book.decideParked("a", tokens(700), START, Spend.NONE).granted()).isTrue();
    assertThat(book.decideParked("b", tokens(100), START, Spend.NONE).granted()).isTrue();
    assertThat(book.parkedDecidable()).isFalse();
  }

  @Test
  void aParkedHoldThatStillDoesNotFitIsRefusedWithoutASecondRecall() {
    book.lease("d1", tokens(300));
    reserve("a", 800, 0);

    // What comes back leaves 250 of the lease reserved: 800 more is past the limit.
    book.givenBack("d1", tokens(50));
    book.takeParked();
    LedgerBook.Decision<String> decided = book.decideParked("a", tokens(800), START, Spend.NONE);

    assertThat(decided.parked()).isFalse();
    assertThat(decided.refusal()).isNotNull();
  }

  @Test
  void aLapsedRecallIsNotRepeatedForTheLeasesThatDidNotAnswer() {
    book.lease("silent", tokens(500));
    assertThat(reserve("a", 700, 0).recall()).containsExactly("silent");

    book.recallLapsed();
    assertThat(book.parkedDecidable()).isTrue();
    book.takeParked();
    assertThat(book.decideParked("a", tokens(700), START, Spend.NONE).refusal()).isNotNull();

    LedgerBook.Decision<String> later = reserve("b", 700, 0);
    assertThat(later.parked()).isFalse();
    assertThat(later.refusal()).isNotNull();
  }

  @Test
  void aLesseeThatIsGoneAnswersTheRecallAndItsLeaseEnds() {
    book.lease("d1", tokens(500));
    reserve("a", 700, 0);

    book.lesseeGone("d1");

    assertThat(book.parkedDecidable()).isTrue();
    assertThat(book.usage(START, Spend.NONE).reserved()).isEqualTo(Spend.NONE);
  }
}
