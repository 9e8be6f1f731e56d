package dev.lattice.orchestrator.run;

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
 */
final class RunTimers {
  private final TimerScheduler<RunEntity.Command> timers;
  private final Clock clock;
  private final RunProgress progress;
  private final Duration grace;
  private final Map<String, RunDeadline> armed = new HashMap<>();
  // Deadlines that fired: never armed again by this incarnation, so a deadline that changed
  // nothing cannot fire over and over.
  private final Set<String> fired = new HashSet<>();

  RunTimers(
      TimerScheduler<RunEntity.Command> timers, Clock clock, RunProgress progress, Duration grace) {
    this.timers = timers;
    this.clock = clock;
    this.progress = progress;
    this.grace = grace;
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
            RunDeadline.Kind.HEARTBEAT, stepId, attempt, clock.instant().plus(heartbeat)));
  }

  /** Arms (or re-arms) one deadline. */
  void arm(RunDeadline deadline) {
    Duration delay = Duration.between(clock.instant(), deadline.at());
    timers.startSingleTimer(
        deadline.key(), new RunEntity.Due(deadline), delay.isNegative() ? Duration.ZERO : delay);
    armed.put(deadline.key(), deadline);
    fired.remove(deadline.key());
  }

  /**
   * A deadline's timer fired. Returns whether it is due by the clock; a timer that fired early is
   * armed again for the rest.
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
