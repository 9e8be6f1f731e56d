package dev.lattice.orchestrator.tenant;

import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.Spend;
import java.time.Instant;
import java.util.List;

/**
 * What a tenant's ledger has recorded: the spending of its current period so far. Rebuilt from the
 * ledger's events ({@link TenantLedger.Spent}, {@link TenantLedger.SpentTogether}) and snapshotted.
 *
 * @param periodStart when the period of the latest spending began
 * @param used spent in that period
 */
public record LedgerState(Instant periodStart, Spend used) implements CborSerializable {
  static final LedgerState EMPTY = new LedgerState(Instant.EPOCH, Spend.NONE);

  /** The spending as of a time in the period that began at {@code start}. */
  Spend usedIn(Instant start) {
    return start.equals(periodStart) ? used : Spend.NONE;
  }

  LedgerState plus(TenantLedger.Spent spent) {
    return new LedgerState(spent.periodStart(), usedIn(spent.periodStart()).plus(spent.spent()));
  }

  LedgerState plus(TenantLedger.SpentTogether together) {
    return plusAll(together.attempts());
  }

  /** This state with {@code spending} added, in order. */
  LedgerState plusAll(List<TenantLedger.Spent> spending) {
    LedgerState next = this;
    for (TenantLedger.Spent spent : spending) {
      next = next.plus(spent);
    }
    return next;
  }
}
