package dev.lattice.protocol.api;

/** What an intervention does to a run. */
public enum InterventionType {
  /** Stop dispatching new steps; attempts in flight may finish and are recorded. */
  PAUSE,
  /** Dispatch again what is ready. */
  RESUME,
  /**
   * End the run; attempts still in flight are withdrawn, best-effort, and their results ignored.
   */
  CANCEL,
  /** Complete the wait step waiting for a named signal. */
  SIGNAL,
  /** Complete a failed or waiting step with a given output. */
  OVERRIDE,
  /** Send again a step whose last attempt's outcome is unknown: a person says it did not happen. */
  RETRY
}
