package dev.lattice.protocol.api;

/** What an intervention does to a run. */
public enum InterventionType {
  /** Stop dispatching new steps; attempts in flight may finish and are recorded. */
  PAUSE,
  /** Dispatch again what is ready. */
  RESUME,
  /** End the run; results of attempts still in flight are ignored. */
  CANCEL
}
