package dev.lattice.orchestrator.policy;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How tenant ledgers record spending ({@code lattice.policy.ledger}).
 *
 * @param snapshotEvery a ledger snapshots its spending after this many events
 * @param recordDelay how long a settlement may wait to be recorded together with later ones
 * @param recordBatch settlements recorded at once without waiting
 * @param passivateAfterIdle a ledger that holds nothing and heard nothing for this long leaves
 *     memory
 * @param lease how dispatchers take the tenant's budget ahead
 * @param admissionCache how long a node trusts a ledger's answer that its tenant's budget is not
 *     spent, when it admits the tenant's runs
 */
public record LedgerSettings(
    int snapshotEvery,
    Duration recordDelay,
    int recordBatch,
    Duration passivateAfterIdle,
    LeaseSettings lease,
    Duration admissionCache) {
  /** The defaults of reference.conf, for code that has no configuration at hand. */
  public static final LedgerSettings DEFAULT =
      new LedgerSettings(
          1000,
          Duration.ofMillis(10),
          500,
          Duration.ofMinutes(2),
          LeaseSettings.DEFAULT,
          Duration.ofMillis(250));

  static LedgerSettings create(Config ledger) {
    return new LedgerSettings(
        ledger.getInt("snapshot-every"),
        ledger.getDuration("record-delay"),
        ledger.getInt("record-batch"),
        ledger.getDuration("passivate-after-idle"),
        LeaseSettings.create(ledger.getConfig("lease")),
        ledger.getDuration("admission-cache"));
  }
}
