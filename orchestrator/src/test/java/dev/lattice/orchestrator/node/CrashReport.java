package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.node.CrashWorkload.Kind;
import dev.lattice.orchestrator.node.DeadlineFirings.Firing;
import dev.lattice.orchestrator.node.DeadlineFirings.When;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunEventType;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The figures of one {@link DurableCrashIT} run, from the runs' events and the worker's execution
 * log, printed as one line.
 *
 * @param runs runs per kind
 * @param cutOff runs per kind that ended after the kill
 * @param killedAfterFirstStart from the first run's start to the kill
 * @param restart how long the second node took to start
 * @param endedAfterUp from the second node being up to every run having ended
 * @param firings the runs' timers and retries
 * @param settledTwice steps that succeeded (or were signalled, or overridden) more than once
 * @param gaps places where a run's sequence numbers skip, plus runs that do not end exactly once
 * @param repeats attempts that ran more than once on the worker side
 * @param answeredFromRecord attempts the first node's agent had recorded but their runs had not
 *     when it died: re-sent after the restart, answered from the record
 */
record CrashReport(
    Map<Kind, Integer> runs,
    Map<Kind, Integer> cutOff,
    Duration killedAfterFirstStart,
    Duration restart,
    Duration endedAfterUp,
    List<Firing> firings,
    int settledTwice,
    int gaps,
    RepeatedExecutions repeats,
    int answeredFromRecord) {

  private static final Set<String> SETTLING =
      Set.of(
          RunEventType.STEP_SUCCEEDED, RunEventType.STEP_SIGNALLED, RunEventType.STEP_OVERRIDDEN);

  /** When the test did what. */
  record Times(Instant killed, Instant restarting, Instant up, Instant ended) {}

  /**
   * @param recorded the idempotency keys the first node's agent had recorded when it died
   */
  static CrashReport of(
      Map<String, Kind> kinds,
      Map<String, List<RunEvent>> events,
      Times times,
      List<Firing> firings,
      RepeatedExecutions repeats,
      Set<String> recorded) {
    Map<Kind, Integer> runs = new EnumMap<>(Kind.class);
    Map<Kind, Integer> cutOff = new EnumMap<>(Kind.class);
    kinds.forEach(
        (runId, kind) -> {
          runs.merge(kind, 1, Integer::sum);
          List<RunEvent> run = events.get(runId);
          if (run.get(run.size() - 1).timestamp().isAfter(times.killed())) {
            cutOff.merge(kind, 1, Integer::sum);
          }
        });
    Instant firstStarted =
        events.values().stream()
            .map(e -> e.get(0).timestamp())
            .min(Instant::compareTo)
            .orElseThrow();
    return new CrashReport(
        runs,
        cutOff,
        Duration.between(firstStarted, times.killed()),
        Duration.between(times.restarting(), times.up()),
        Duration.between(times.up(), times.ended()),
        firings,
        events.values().stream().mapToInt(CrashReport::settledTwice).sum(),
        events.values().stream().mapToInt(CrashReport::gaps).sum(),
        repeats,
        (int) recorded.stream().filter(key -> settledAfter(key, events, times.killed())).count());
  }

  private static int settledTwice(List<RunEvent> events) {
    Map<String, Long> settled =
        events.stream()
            .filter(e -> SETTLING.contains(e.type()))
            .collect(Collectors.groupingBy(RunEvent::stepId, Collectors.counting()));
    return (int) settled.values().stream().filter(n -> n > 1).count();
  }

  private static int gaps(List<RunEvent> events) {
    int gaps = 0;
    long expected = 1;
    for (RunEvent event : events) {
      if (event.seq() != expected) {
        gaps++;
      }
      expected = event.seq() + 1;
    }
    boolean endsOnce =
        !events.isEmpty()
            && events.get(events.size() - 1).terminal()
            && events.stream().filter(RunEvent::terminal).count() == 1;
    return endsOnce ? gaps : gaps + 1;
  }

  /** Whether the run settled the attempt {@code runId/stepId/attempt} after {@code killed}. */
  private static boolean settledAfter(
      String key, Map<String, List<RunEvent>> events, Instant killed) {
    String[] parts = key.split("/");
    return events.getOrDefault(parts[0], List.of()).stream()
        .anyMatch(
            e ->
                parts[1].equals(e.stepId())
                    && Integer.valueOf(parts[2]).equals(e.attempt())
                    && (RunEventType.STEP_SUCCEEDED.equals(e.type())
                        || RunEventType.STEP_FAILED.equals(e.type()))
                    && e.timestamp().isAfter(killed));
  }

  /** The report as one line. */
  String line() {
    return String.format(
        "durable crash: runs %s; killed %d ms after the first started, cut off %s; second node"
            + " started in %d ms, all runs ended %d ms after;%s steps settled twice %d, sequence"
            + " gaps %d; worker executions %d of %d attempts, %d repeated (%d running at the kill,"
            + " %d finished but not recorded, the earliest %d ms before it; %d unexplained), %d"
            + " re-sent attempts answered from the agent's record",
        runs,
        killedAfterFirstStart.toMillis(),
        cutOff,
        restart.toMillis(),
        endedAfterUp.toMillis(),
        lateness(),
        settledTwice,
        gaps,
        repeats.executions(),
        repeats.keys(),
        repeats.repeated(),
        repeats.runningAtKill(),
        repeats.finishedUnrecorded(),
        repeats.earliestUnrecordedEnd().toMillis(),
        repeats.unexplained(),
        answeredFromRecord);
  }

  /** Timers and retries acted on in each period, with their median and largest lateness. */
  private String lateness() {
    StringBuilder line = new StringBuilder();
    for (When when : When.values()) {
      long[] late =
          firings.stream()
              .filter(f -> f.when() == when)
              .mapToLong(f -> f.lateness().toMillis())
              .sorted()
              .toArray();
      line.append(
          String.format(
              " deadlines %s %d (late p50 %d ms, max %d ms);",
              when.name().toLowerCase(Locale.ROOT),
              late.length,
              late.length == 0 ? 0 : late[late.length / 2],
              late.length == 0 ? 0 : late[late.length - 1]));
    }
    return line.toString();
  }
}
