package dev.lattice.orchestrator.run;

import dev.lattice.orchestrator.run.core.RunDeadline;
import dev.lattice.orchestrator.run.core.RunDeadlines;
import dev.lattice.orchestrator.run.core.RunProgress;
import dev.lattice.orchestrator.run.core.RunState;
import dev.lattice.orchestrator.run.core.StepState;
import dev.lattice.protocol.time.SaturatingTime;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The timers of one run entity: one per deadline its state implies ({@link RunDeadlines}), armed
 * from the persisted times, so a recovered run arms exactly what the live one had, plus heartbeat
 * timers, which are counted from the last heartbeat heard. A timer fires a {@link RunEntity.Due}.
 *
 * <p>No timer is armed for longer than the horizon: Pekko's scheduler refuses delays of more than a
 * few months, and a refusal would fail the entity after every write and every recovery. A deadline
 * further away is reached in steps, each firing arming the timer again for what is left.
 */
final class RunTimers {
  private final TimerScheduler<RunEntity.Command> timers;
  private final Clock clock;
  private final RunProgress progress;
  private final Duration grace;
  private final Duration horizon;
  private final Map<String, RunDeadline> armed = new HashMap<>();
  // Deadlines that fired: never armed again by this incarnation, so a deadline that changed
  // nothing cannot fire over and over.
  private final Set<String> fired = new HashSet<>();

  /**
   * @param grace how much longer than its time limit a running attempt gets before the run decides
   *     its agent is lost
   * @param horizon the longest delay a timer is armed with
   */
  RunTimers(
      TimerScheduler<RunEntity.Command> timers,
      Clock clock,
      RunProgress progress,
      Duration grace,
      Duration horizon) {
    this.timers = timers;
    this.clock = clock;
    this.progress = progress;
    this.grace = grace;
    this.horizon = horizon;
  }

  /** Arms what {@code state} implies and is not armed yet; cancels what it no longer implies. */
  void sync(RunState state) {
    Map<String, RunDeadline> wanted = new HashMap<>();
    for (RunDeadline deadline : RunDeadlines.of(state, progress, grace)) {
      wanted.put(deadline.key(), deadline);
    }
    for (Iterator<RunDeadline> it = armed.values().iterator(); it.hasNext(); ) {
      RunDeadline deadline = it.next();
      boolean keep =
          deadline.kind() == RunDeadline.Kind.HEARTBEAT
              ? inFlight(state, deadline)
              : wanted.containsKey(deadline.key());
      if (!keep) {
        timers.cancel(deadline.key());
        it.remove();
      }
    }
    for (RunDeadline deadline : wanted.values()) {
      if (!armed.containsKey(deadline.key()) && !fired.contains(deadline.key())) {
        arm(deadline);
      }
    }
  }

  /**
   * An attempt was heard from (it started, or it sent a heartbeat): its heartbeat deadline moves to
   * {@code heartbeat} from now.
   */
  void heard(String stepId, int attempt, Duration heartbeat) {
    arm(
        new RunDeadline(
            RunDeadline.Kind.HEARTBEAT,
            stepId,
            attempt,
            SaturatingTime.plus(clock.instant(), heartbeat)));
  }

  /** Arms (or re-arms) one deadline, for at most the horizon. */
  void arm(RunDeadline deadline) {
    timers.startSingleTimer(
        deadline.key(),
        new RunEntity.Due(deadline),
        SaturatingTime.delayWithin(clock.instant(), deadline.at(), horizon));
    armed.put(deadline.key(), deadline);
    fired.remove(deadline.key());
  }

  /**
   * A deadline's timer fired. Returns whether it is due by the clock; a timer that fired early (its
   * deadline lies beyond the horizon, or the clock lags the scheduler) is armed again for the rest.
   */
  boolean fired(RunDeadline deadline) {
    if (clock.instant().isBefore(deadline.at())) {
      arm(deadline);
      return false;
    }
    armed.remove(deadline.key());
    fired.add(deadline.key());
    return true;
  }

  private static boolean inFlight(RunState state, RunDeadline deadline) {
    StepState step = state.step(deadline.stepId());
    return step != null && step.attempt() == deadline.attempt() && step.status().out();
  }
}
