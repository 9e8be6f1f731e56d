package dev.lattice.orchestrator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.testing.ManualClock;
import dev.lattice.protocol.agent.BudgetScope;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.plan.Budget;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class TenantLedgerTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config());

  /** 1,000 tokens a day. */
  private static final TenantBudget BUDGET =
      new TenantBudget(new Budget(1_000L, null), Duration.ofDays(1));

  /** A record delay no test waits for: only a full batch (or a stop) records. */
  private static final LedgerSettings SETTINGS =
      new LedgerSettings(1000, Duration.ofMinutes(5), 3, Duration.ofMinutes(2));

  /** Where ledgers ask to be passivated. */
  private final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();

  private final String tenant = "acme-" + System.nanoTime();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final EventSourcedBehaviorTestKit<
          TenantLedger.Command, TenantLedger.Event, TenantLedger.State>
      ledger =
          EventSourcedBehaviorTestKit.create(
              testKit.system(), TenantLedger.create(tenant, BUDGET, SETTINGS, clock, shard.ref()));
  private final TestProbe<TenantLedger.Reservation> reservations = testKit.createTestProbe();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Spend tokens(long n) {
    return new Spend(n, BigDecimal.ZERO);
  }

  private TenantLedger.Reservation reserve(String key, long tokens) {
    ledger.runCommand(new TenantLedger.Reserve(key, tokens(tokens), reservations.ref()));
    return reservations.receiveMessage();
  }

  private TenantUsage usage() {
    return ledger.<TenantUsage>runCommand(TenantLedger.GetUsage::new).reply();
  }

  @Test
  void holdsAreRefusedPastTheBudgetWithTheFigures() {
    assertThat(reserve("a", 600).granted()).isTrue();
    TenantLedger.Reservation refused = reserve("b", 500);
    assertThat(refused.granted()).isFalse();
    assertThat(refused.refusal().scope()).isEqualTo(BudgetScope.TENANT);
    assertThat(refused.refusal().reserved()).isEqualTo(tokens(600));
    assertThat(refused.refusal().requested()).isEqualTo(tokens(500));
    // A repeated reservation replaces its earlier hold instead of adding to it.
    assertThat(reserve("a", 900).granted()).isTrue();
    assertThat(usage().reserved()).isEqualTo(tokens(900));
  }

  @Test
  void settlementsCountAtOnceAndAreRecordedTogether() {
    reserve("a", 400);
    ledger.runCommand(new TenantLedger.Settle("a", tokens(300)));
    ledger.runCommand(new TenantLedger.Settle("b", tokens(200)));
    // Counted before any record: the hold is gone, the spending is there.
    assertThat(usage().used()).isEqualTo(tokens(500));
    assertThat(usage().reserved()).isEqualTo(Spend.NONE);
    assertThat(reserve("c", 600).granted()).isFalse();

    // The third settlement fills the batch: one event records all three.
    var result = ledger.runCommand(new TenantLedger.Settle("c", tokens(100)));
    assertThat(result.events())
        .singleElement()
        .isInstanceOfSatisfying(
            TenantLedger.SpentTogether.class,
            together ->
                assertThat(together.attempts())
                    .extracting(TenantLedger.Spent::key)
                    .containsExactly("a", "b", "c"));
    assertThat(result.state().used()).isEqualTo(tokens(600));

    // Spending survives a restart of the ledger; holds do not.
    reserve("d", 50);
    ledger.restart();
    assertThat(usage().used()).isEqualTo(tokens(600));
    assertThat(usage().reserved()).isEqualTo(Spend.NONE);
  }

  @Test
  void aStoppingLedgerRecordsWhatWaitsFirst() {
    String name = "stopping-" + System.nanoTime();
    ActorRef<TenantLedger.Command> stopping =
        testKit.spawn(TenantLedger.create(name, BUDGET, SETTINGS, clock, shard.ref()));
    stopping.tell(new TenantLedger.Settle("a", tokens(70)));
    stopping.tell(new TenantLedger.Settle("b", tokens(30)));
    PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
    journal.expectNothingPersisted("TenantLedger|" + name);

    stopping.tell(TenantLedger.Stop.INSTANCE);
    TenantLedger.SpentTogether recorded =
        journal.expectNextPersistedClass("TenantLedger|" + name, TenantLedger.SpentTogether.class);
    assertThat(recorded.attempts()).extracting(TenantLedger.Spent::key).containsExactly("a", "b");
    testKit.createTestProbe().expectTerminated(stopping);
  }

  @Test
  void aNewPeriodStartsFromNothing() {
    ledger.runCommand(new TenantLedger.Settle("a", tokens(900)));
    assertThat(reserve("b", 200).granted()).isFalse();
    clock.advance(Duration.ofDays(1));
    assertThat(usage().used()).isEqualTo(Spend.NONE);
    assertThat(reserve("b", 200).granted()).isTrue();
  }

  @Test
  void anIdleLedgerPassivatesItselfOnlyOnceItHoldsNothing() {
    assertThat(reserve("a", 400).granted()).isTrue();
    clock.advance(Duration.ofMinutes(3));
    ledger.runCommand(TenantLedger.IdleCheck.INSTANCE);
    // Its attempt still runs: passivating would drop the hold.
    shard.expectNoMessage(Duration.ofMillis(200));
    assertThat(usage().reserved()).isEqualTo(tokens(400));

    ledger.runCommand(new TenantLedger.Settle("a", tokens(300)));
    clock.advance(Duration.ofMinutes(1));
    ledger.runCommand(TenantLedger.IdleCheck.INSTANCE);
    // Heard from a minute ago: not idle yet.
    shard.expectNoMessage(Duration.ofMillis(200));
    clock.advance(Duration.ofMinutes(1));
    ledger.runCommand(TenantLedger.IdleCheck.INSTANCE);
    shard.expectMessageClass(ClusterSharding.Passivate.class);
  }
}
