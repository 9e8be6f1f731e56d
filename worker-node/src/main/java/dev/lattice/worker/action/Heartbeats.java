package dev.lattice.worker.action;

/**
 * How an action running a long attempt tells its agent the attempt is alive, and learns whether the
 * attempt is still wanted. Safe to call from any thread.
 */
@FunctionalInterface
public interface Heartbeats {
  /** For contexts that run outside an agent: every attempt is wanted, nobody listens. */
  Heartbeats NONE = idempotencyKey -> true;

  /**
   * Reports that the attempt with {@code idempotencyKey} is alive.
   *
   * @return {@code false} once the attempt was withdrawn (its run was cancelled, or timed it out):
   *     the action should stop, its result will be ignored
   */
  boolean beat(String idempotencyKey);
}
