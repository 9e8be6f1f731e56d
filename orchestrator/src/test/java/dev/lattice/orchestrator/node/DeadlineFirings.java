package dev.lattice.orchestrator.node;

import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunEventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The durable deadlines of runs that a crash interrupted, read back from their events: when each
 * was due (as persisted) and when the run acted on it. A timer is due at its {@code step.waiting}'s
 * {@code until} and acted on by the step's {@code step.succeeded} (or {@code step.failed}, for a
 * signal that timed out); a retry is due at its {@code step.retry_scheduled}'s {@code dueAt} and
 * acted on by the {@code step.dispatched} of that attempt.
 */
final class DeadlineFirings {
  /** Which node acted on a deadline, and what its lateness is measured from. */
  enum When {
    /** The first node, before the kill: measured from the deadline. */
    BEFORE_THE_KILL,
    /** Due while no node ran, acted on by the second: measured from when it came up. */
    OVERDUE_AT_RESTART,
    /** Due while the second node caught up with the backlog: measured from the deadline. */
    DURING_CATCH_UP,
    /** Due once the second node had caught up: measured from the deadline. */
    AFTER_CATCH_UP
  }

  /**
   * One deadline.
   *
   * @param runId the run
   * @param what {@code timer} or {@code retry}, and the step
   * @param due when it was due, as persisted
   * @param fired when the run acted on it (the event's timestamp)
   * @param when the period it fell in, which says what its lateness is measured from
   * @param lateness how long after it could first have been acted on it was
   */
  record Firing(
      String runId, String what, Instant due, Instant fired, When when, Duration lateness) {
    boolean early() {
      return fired.isBefore(due);
    }
  }

  /** When the first node died, and when the second came up and had caught up. */
  record Restart(Instant killed, Instant up, Duration catchUp) {
    Instant caughtUp() {
      return up.plus(catchUp);
    }
  }

  private DeadlineFirings() {}

  /** The deadlines of every run, from each run's events. */
  static List<Firing> of(Collection<List<RunEvent>> runs, Restart restart) {
    List<Firing> firings = new ArrayList<>();
    runs.forEach(events -> firings.addAll(of(events, restart)));
    return firings;
  }

  /** The deadlines of one run's events. */
  static List<Firing> of(List<RunEvent> events, Restart restart) {
    List<Firing> firings = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      RunEvent event = events.get(i);
      if (RunEventType.STEP_WAITING.equals(event.type()) && event.data().has("until")) {
        Instant due = Instant.parse(event.data().get("until").asText());
        RunEvent settled =
            next(
                events,
                i,
                e ->
                    e.stepId().equals(event.stepId())
                        && (RunEventType.STEP_SUCCEEDED.equals(e.type())
                            || RunEventType.STEP_FAILED.equals(e.type())));
        firings.add(firing(event, "timer " + event.stepId(), due, settled, restart));
      } else if (RunEventType.STEP_RETRY_SCHEDULED.equals(event.type())) {
        Instant due = Instant.parse(event.data().get("dueAt").asText());
        RunEvent dispatched =
            next(
                events,
                i,
                e ->
                    RunEventType.STEP_DISPATCHED.equals(e.type())
                        && e.stepId().equals(event.stepId())
                        && Objects.equals(e.attempt(), event.attempt()));
        firings.add(
            firing(
                event,
                "retry " + event.stepId() + "#" + event.attempt(),
                due,
                dispatched,
                restart));
      }
    }
    return firings;
  }

  private static Firing firing(
      RunEvent scheduled, String what, Instant due, RunEvent acted, Restart restart) {
    if (acted == null) {
      throw new AssertionError(
          "run " + scheduled.runId() + ": " + what + " due at " + due + " was never acted on");
    }
    Instant fired = acted.timestamp();
    When when;
    if (!fired.isAfter(restart.killed())) {
      when = When.BEFORE_THE_KILL;
    } else if (due.isBefore(restart.up())) {
      when = When.OVERDUE_AT_RESTART;
    } else if (due.isBefore(restart.caughtUp())) {
      when = When.DURING_CATCH_UP;
    } else {
      when = When.AFTER_CATCH_UP;
    }
    Instant from = when == When.OVERDUE_AT_RESTART ? restart.up() : due;
    return new Firing(scheduled.runId(), what, due, fired, when, Duration.between(from, fired));
  }

  private static RunEvent next(List<RunEvent> events, int after, Predicate<RunEvent> match) {
    for (int i = after + 1; i < events.size(); i++) {
      RunEvent event = events.get(i);
      if (event.stepId() != null && match.test(event)) {
        return event;
      }
    }
    return null;
  }
}
