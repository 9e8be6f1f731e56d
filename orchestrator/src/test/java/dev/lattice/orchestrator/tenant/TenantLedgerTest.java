package dev.lattice.orchestrator.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.modelserver.ManualClock;
import dev.lattice.orchestrator.policy.LeaseSettings;
import dev.lattice.orchestrator.policy.LedgerSettings;
import dev.lattice.orchestrator.policy.TenantBudget;
import dev.lattice.protocol.agent.BudgetScope;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.api.TenantUsage;
import dev.lattice.protocol.plan.Budget;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class TenantLedgerTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config());

  /** 1,000 tokens a day. */
  private static final Duration RECALL_TIMEOUT = Duration.ofMillis(300);

  private static final TenantBudget BUDGET =
      new TenantBudget(new Budget(1_000L, null), Duration.ofDays(1));

  /** A record delay no test waits for: only a full batch (or a stop) records. */
  private static final LedgerSettings SETTINGS =
      new LedgerSettings(
          1000,
          Duration.ofMinutes(5),
          3,
          Duration.ofMinutes(2),
          new LeaseSettings(32, Duration.ofSeconds(1), Duration.ofSeconds(1), RECALL_TIMEOUT),
          Duration.ZERO);

  /** Where ledgers ask to be passivated. */
  private final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();

  private final String tenant = "acme-" + System.nanoTime();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final EventSourcedBehaviorTestKit<TenantLedger.Command, TenantLedger.Event, LedgerState>
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

  private TenantLedger.Leased askLease(long tokens, TestProbe<TenantLedger.LeaseNews> lessee) {
    ledger.runCommand(new TenantLedger.AskLease(tokens(tokens), lessee.ref()));
    return lessee.expectMessageClass(TenantLedger.Leased.class);
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

  @Test
  void aLeaseCountsAsReservedUntilItsAttemptsSettleOrItIsGivenBack() {
    TestProbe<TenantLedger.LeaseNews> lessee = testKit.createTestProbe();
    assertThat(askLease(300, lessee).amount()).isEqualTo(tokens(300));
    assertThat(usage().reserved()).isEqualTo(tokens(300));

    // An attempt that held 100 of it spent 80: the 100 leave the lease, the 80 count as used.
    ledger.runCommand(new TenantLedger.SettleLeased("a", tokens(80), tokens(100), lessee.ref()));
    assertThat(usage().used()).isEqualTo(tokens(80));
    assertThat(usage().reserved()).isEqualTo(tokens(200));

    ledger.runCommand(new TenantLedger.GiveBack(tokens(200), lessee.ref()));
    assertThat(usage().reserved()).isEqualTo(Spend.NONE);
  }

  @Test
  void aLeaseIsGrantedOnlyWhileAsMuchAgainStaysFree() {
    TestProbe<TenantLedger.LeaseNews> lessee = testKit.createTestProbe();
    assertThat(askLease(600, lessee).amount()).isEqualTo(Spend.NONE);
    assertThat(askLease(400, lessee).amount()).isEqualTo(tokens(400));
    assertThat(askLease(400, lessee).amount()).isEqualTo(Spend.NONE);
    assertThat(usage().reserved()).isEqualTo(tokens(400));
  }

  @Test
  void aReservationThatLeasesWouldRefuseWaitsForTheirUnusedPartToComeBack() {
    TestProbe<TenantLedger.LeaseNews> first = testKit.createTestProbe();
    TestProbe<TenantLedger.LeaseNews> second = testKit.createTestProbe();
    askLease(250, first);
    askLease(250, second);
    // 500 leased, 700 asked: the budget allows it once the leases come back.
    ledger.runCommand(new TenantLedger.Reserve("a", tokens(700), reservations.ref()));
    first.expectMessageClass(TenantLedger.Recall.class);
    second.expectMessageClass(TenantLedger.Recall.class);
    reservations.expectNoMessage(Duration.ofMillis(100));
    // Meanwhile a reservation that would fit waits its turn.
    ledger.runCommand(new TenantLedger.Reserve("b", tokens(100), reservations.ref()));

    ledger.runCommand(new TenantLedger.GiveBack(tokens(250), first.ref()));
    reservations.expectNoMessage(Duration.ofMillis(100));
    // The second lessee used 50 of its lease already: it gives back the rest.
    ledger.runCommand(new TenantLedger.GiveBack(tokens(200), second.ref()));
    TenantLedger.Reservation a = reservations.receiveMessage();
    assertThat(a.key()).isEqualTo("a");
    assertThat(a.granted()).isTrue();
    TenantLedger.Reservation b = reservations.receiveMessage();
    assertThat(b.key()).isEqualTo("b");
    assertThat(b.granted()).isTrue();
    assertThat(usage().reserved()).isEqualTo(tokens(850));
  }

  @Test
  void aRecallNotAnsweredInTimeIsDecidedWithoutIt() {
    TestProbe<TenantLedger.LeaseNews> silent = testKit.createTestProbe();
    askLease(400, silent);
    ledger.runCommand(new TenantLedger.Reserve("a", tokens(700), reservations.ref()));
    silent.expectMessageClass(TenantLedger.Recall.class);
    TenantLedger.Reservation refused =
        reservations.receiveMessage(RECALL_TIMEOUT.plus(Duration.ofSeconds(3)));
    assertThat(refused.granted()).isFalse();
    assertThat(refused.refusal().reserved()).isEqualTo(tokens(400));
    // No second recall of a lease that did not answer the first.
    ledger.runCommand(new TenantLedger.Reserve("b", tokens(700), reservations.ref()));
    assertThat(reservations.receiveMessage().granted()).isFalse();
    silent.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aLeaseEndsWhenItsDispatcherStops() {
    TestProbe<TenantLedger.LeaseNews> probe = testKit.createTestProbe();
    ActorRef<TenantLedger.Command> self = askLease(100, probe).ledger();
    // The lessee is a dispatcher's message adapter, as in production: watched all the same.
    ActorRef<Object> lessee =
        testKit.spawn(
            Behaviors.setup(
                context -> {
                  self.tell(
                      new TenantLedger.AskLease(
                          tokens(300),
                          context.messageAdapter(TenantLedger.LeaseNews.class, news -> news)));
                  return Behaviors.receiveMessage(
                      news ->
                          news instanceof TenantLedger.Leased
                              ? Behaviors.stopped()
                              : Behaviors.same());
                }));
    testKit.createTestProbe().expectTerminated(lessee);
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertThat(usage().reserved()).isEqualTo(tokens(100));
              return null;
            });
  }

  @Test
  void anIdleLedgerWithALeaseOutStaysInMemory() {
    TestProbe<TenantLedger.LeaseNews> lessee = testKit.createTestProbe();
    askLease(300, lessee);
    clock.advance(Duration.ofMinutes(3));
    ledger.runCommand(TenantLedger.IdleCheck.INSTANCE);
    shard.expectNoMessage(Duration.ofMillis(200));
    ledger.runCommand(new TenantLedger.GiveBack(tokens(300), lessee.ref()));
    clock.advance(Duration.ofMinutes(3));
    ledger.runCommand(TenantLedger.IdleCheck.INSTANCE);
    shard.expectMessageClass(ClusterSharding.Passivate.class);
  }
}
