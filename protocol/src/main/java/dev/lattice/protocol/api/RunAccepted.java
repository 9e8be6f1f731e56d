package dev.lattice.protocol.api;

import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.ids.RunId;

/**
 * The answer to an execute request, given once the run's first events are in the journal.
 *
 * @param runId the run
 * @param created false when an idempotency key named a run that already existed
 */
public record RunAccepted(RunId runId, boolean created) implements CborSerializable {}
