package dev.lattice.persistence.readmodel;

import dev.lattice.protocol.run.RunChange;
import java.time.Instant;

/**
 * What one run event changes in the run index.
 *
 * @param runId the run
 * @param status the status the event puts the run in
 * @param tenant for a run that starts, its tenant (else {@code null})
 * @param source for a run that starts, where its plan came from (else {@code null})
 * @param at when the event happened
 */
public record RunIndexChange(
    String runId, String status, String tenant, String source, Instant at) {

  /** Whether this change creates the run's row. */
  public boolean creates() {
    return tenant != null;
  }

  /** The change {@code event} of the run with journal id {@code persistenceId} makes. */
  public static RunIndexChange of(String persistenceId, RunChange event) {
    String runId = persistenceId.substring(persistenceId.indexOf('|') + 1);
    String status = event.establishes().wire();
    if (event instanceof RunChange.RunStarted started) {
      return new RunIndexChange(
          runId, status, started.spec().tenant().value(), started.spec().source(), event.at());
    }
    return new RunIndexChange(runId, status, null, null, event.at());
  }
}
