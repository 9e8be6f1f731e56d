package dev.lattice.persistence.query;

import dev.lattice.protocol.run.RunChange;

/**
 * A run's journal event with its sequence number.
 *
 * @param seq the journal sequence number
 * @param change the event
 */
public record SequencedChange(long seq, RunChange change) {}
