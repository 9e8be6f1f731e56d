package dev.lattice.protocol.audit;

/**
 * A run event that records an intervention. The journal appends it to the run's audit chain in the
 * same transaction as the event itself; the run entity, the only writer of its run, keeps that
 * chain linear.
 */
public interface Intervened {
  /** The intervention, or {@code null} when this event was not one (an automatic retry). */
  InterventionEntry auditedIntervention();
}
