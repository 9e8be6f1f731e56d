package dev.lattice.orchestrator.run.core;

import dev.lattice.protocol.run.StepStatus;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The step lifecycle as an explicit transition table: {@code pending → ready → dispatched → running
 * → succeeded | failed}, {@code failed → retry_wait → ready} while attempts remain, {@code pending
 * → skipped} on a branch a gate skipped, and {@code ready → waiting → succeeded | failed} for
 * timers and signals. Steps the run evaluates itself (transform, gate) go {@code ready → succeeded
 * | failed} at once. An override moves a {@code failed} or {@code retry_wait} step to {@code
 * succeeded}.
 */
public final class StepLifecycle {
  private static final Map<StepStatus, Set<StepStatus>> ALLOWED = new EnumMap<>(StepStatus.class);

  static {
    ALLOWED.put(StepStatus.PENDING, EnumSet.of(StepStatus.READY, StepStatus.SKIPPED));
    ALLOWED.put(
        StepStatus.READY,
        EnumSet.of(
            StepStatus.DISPATCHED, StepStatus.WAITING, StepStatus.SUCCEEDED, StepStatus.FAILED));
    ALLOWED.put(StepStatus.DISPATCHED, EnumSet.of(StepStatus.RUNNING, StepStatus.FAILED));
    // A goal's planner whose plan waits for a person's approval.
    ALLOWED.put(
        StepStatus.RUNNING,
        EnumSet.of(StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.WAITING));
    // A step whose attempt's outcome is unknown waits for a person: "retry it" schedules the next.
    ALLOWED.put(
        StepStatus.WAITING,
        EnumSet.of(StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.RETRY_WAIT));
    // An override completes a failed step, or one waiting for its retry, with a given output; a
    // failure whose outcome is unknown waits for a person.
    ALLOWED.put(
        StepStatus.FAILED,
        EnumSet.of(StepStatus.RETRY_WAIT, StepStatus.SUCCEEDED, StepStatus.WAITING));
    ALLOWED.put(StepStatus.RETRY_WAIT, EnumSet.of(StepStatus.READY, StepStatus.SUCCEEDED));
    ALLOWED.put(StepStatus.SUCCEEDED, EnumSet.noneOf(StepStatus.class));
    ALLOWED.put(StepStatus.SKIPPED, EnumSet.noneOf(StepStatus.class));
  }

  private StepLifecycle() {}

  /** Whether a step may go from {@code from} to {@code to}. */
  public static boolean allows(StepStatus from, StepStatus to) {
    return ALLOWED.get(from).contains(to);
  }

  /** The statuses reachable from {@code from} in one step. */
  public static Set<StepStatus> next(StepStatus from) {
    return Set.copyOf(ALLOWED.get(from));
  }

  /** Returns {@code to} if the table allows the transition, else throws. */
  public static StepStatus transition(String stepId, StepStatus from, StepStatus to) {
    if (!allows(from, to)) {
      throw new IllegalTransitionException("step '" + stepId + "'", from, to);
    }
    return to;
  }
}
