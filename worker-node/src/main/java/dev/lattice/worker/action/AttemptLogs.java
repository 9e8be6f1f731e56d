package dev.lattice.worker.action;

/** The logs of the attempts an agent is running, by idempotency key. */
@FunctionalInterface
public interface AttemptLogs {
  /** No attempt keeps a log. */
  AttemptLogs NONE = idempotencyKey -> AttemptLog.NONE;

  /**
   * The log of the attempt {@code idempotencyKey}; {@link AttemptLog#NONE} if it is not running.
   */
  AttemptLog of(String idempotencyKey);
}
