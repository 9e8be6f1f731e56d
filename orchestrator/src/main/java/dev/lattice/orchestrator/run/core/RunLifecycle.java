package dev.lattice.orchestrator.run.core;

import dev.lattice.protocol.run.RunStatus;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The run lifecycle as an explicit transition table: {@code queued → running → completed | failed |
 * cancelled}, {@code running ⇄ paused}, {@code queued | paused → cancelled}, and {@code paused →
 * failed} when the run's deadline passes while it is paused. Terminal statuses allow nothing.
 */
public final class RunLifecycle {
  private static final Map<RunStatus, Set<RunStatus>> ALLOWED = new EnumMap<>(RunStatus.class);

  static {
    ALLOWED.put(RunStatus.QUEUED, EnumSet.of(RunStatus.RUNNING, RunStatus.CANCELLED));
    ALLOWED.put(
        RunStatus.RUNNING,
        EnumSet.of(RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.PAUSED));
    ALLOWED.put(
        RunStatus.PAUSED, EnumSet.of(RunStatus.RUNNING, RunStatus.CANCELLED, RunStatus.FAILED));
    ALLOWED.put(RunStatus.COMPLETED, EnumSet.noneOf(RunStatus.class));
    ALLOWED.put(RunStatus.FAILED, EnumSet.noneOf(RunStatus.class));
    ALLOWED.put(RunStatus.CANCELLED, EnumSet.noneOf(RunStatus.class));
  }

  private RunLifecycle() {}

  /** Whether a run may go from {@code from} to {@code to}. */
  public static boolean allows(RunStatus from, RunStatus to) {
    return ALLOWED.get(from).contains(to);
  }

  /** The statuses reachable from {@code from} in one step. */
  public static Set<RunStatus> next(RunStatus from) {
    return Set.copyOf(ALLOWED.get(from));
  }

  /** Returns {@code to} if the table allows the transition, else throws. */
  public static RunStatus transition(RunStatus from, RunStatus to) {
    if (!allows(from, to)) {
      throw new IllegalTransitionException("a run", from, to);
    }
    return to;
  }
}
