package dev.lattice.orchestrator.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.policy.LeaseSettings;
import dev.lattice.protocol.agent.Spend;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class TenantLeaseTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  /** Leases of 4 attempts' holds; a declined lease is asked again after 1 s. */
  private static final LeaseSettings SETTINGS =
      new LeaseSettings(4, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));

  private static final Spend HOLD = new Spend(100, new BigDecimal("0.01"));
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  private final ActorRef<TenantLedger.Command> ledger =
      testKit.<TenantLedger.Command>createTestProbe().ref();
  private final TenantLease lease = new TenantLease(SETTINGS);

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private void grant(ActorRef<TenantLedger.Command> from, Spend amount) {
    lease.granted(new TenantLedger.Leased(amount, from), NOW);
  }

  @Test
  void attemptsTakeTheirHoldsFromTheLeaseWhileItCoversThem() {
    assertThat(lease.take("a", HOLD)).isFalse();
    assertThat(lease.toAsk(HOLD, NOW)).contains(HOLD.times(4));
    // Asked once: the answer is awaited.
    assertThat(lease.toAsk(HOLD, NOW)).isEmpty();
    assertThat(lease.granted(new TenantLedger.Leased(HOLD.times(4), ledger), NOW)).contains(ledger);

    assertThat(lease.take("b", HOLD)).isTrue();
    assertThat(lease.take("c", HOLD)).isTrue();
    // Half is used: the next lease is asked for while the rest still covers attempts.
    assertThat(lease.toAsk(HOLD, NOW)).contains(HOLD.times(4));
    assertThat(lease.take("d", HOLD)).isTrue();
    assertThat(lease.take("e", HOLD)).isTrue();
    assertThat(lease.take("f", HOLD)).isFalse();

    assertThat(lease.settled("b")).contains(HOLD);
    assertThat(lease.settled("a")).isEmpty();
  }

  @Test
  void aDeclinedLeaseIsAskedForAgainOnlyAfterAWhile() {
    lease.toAsk(HOLD, NOW);
    grant(ledger, Spend.NONE);
    assertThat(lease.toAsk(HOLD, NOW.plusMillis(500))).isEmpty();
    assertThat(lease.toAsk(HOLD, NOW.plusSeconds(1))).isPresent();
  }

  @Test
  void anAnswerLostWithTheLedgerIsWaitedForNoLongerThanARefusalsPause() {
    lease.toAsk(HOLD, NOW);
    assertThat(lease.toAsk(HOLD, NOW.plusMillis(500))).isEmpty();
    assertThat(lease.toAsk(HOLD, NOW.plusSeconds(1))).isPresent();
  }

  @Test
  void aRecallTakesTheUnusedPartAndAnIdleLeaseGivesItBack() {
    grant(ledger, HOLD.times(4));
    lease.take("a", HOLD);
    assertThat(lease.recalled(ledger, NOW)).isEqualTo(HOLD.times(3));
    assertThat(lease.take("b", HOLD)).isFalse();
    // The attempt that took from it still settles against it.
    assertThat(lease.settled("a")).contains(HOLD);

    grant(ledger, HOLD.times(4));
    lease.take("c", HOLD);
    // Used since the last check: kept; unused since: given back.
    assertThat(lease.idle()).isEqualTo(Spend.NONE);
    assertThat(lease.idle()).isEqualTo(HOLD.times(3));
    assertThat(lease.hasUnused()).isFalse();
  }

  @Test
  void aLeaseFromALedgerThatStoppedIsVoidAndItsAttemptsSettleAsPlainOnes() {
    grant(ledger, HOLD.times(4));
    lease.take("a", HOLD);
    lease.ledgerGone(ledger);
    assertThat(lease.take("b", HOLD)).isFalse();
    assertThat(lease.settled("a")).isEmpty();
  }

  @Test
  void aLeaseFromTheLedgersNextIncarnationReplacesTheOldOne() {
    grant(ledger, HOLD.times(4));
    lease.take("a", HOLD);
    // The new incarnation's answer may come before the news that the old one stopped.
    ActorRef<TenantLedger.Command> next = testKit.<TenantLedger.Command>createTestProbe().ref();
    assertThat(lease.granted(new TenantLedger.Leased(HOLD.times(2), next), NOW)).contains(next);
    assertThat(lease.settled("a")).isEmpty();
    lease.ledgerGone(ledger);
    // Neither the old one's stop nor its recall touch the new lease.
    assertThat(lease.recalled(ledger, NOW)).isEqualTo(Spend.NONE);
    assertThat(lease.take("b", HOLD)).isTrue();
    assertThat(lease.take("c", HOLD)).isTrue();
    assertThat(lease.take("d", HOLD)).isFalse();
  }
}
