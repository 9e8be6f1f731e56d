package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.testing.ExecutionLog;
import dev.lattice.orchestrator.testing.ExecutionLog.Entry;
import dev.lattice.orchestrator.testing.ExecutionLog.What;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How often attempts ran more than once on the worker side, across a kill, from an {@link
 * ExecutionLog} whose first process was killed at {@code killed}. Execution is at least once: an
 * attempt whose result its agent had not recorded when the process died (it was still running, or
 * had finished just before) runs again when it is re-sent after the restart. An attempt whose
 * result was recorded must be answered from the record instead; running it again, or running it
 * twice in one process, is unexplained.
 *
 * @param executions attempts started, in both processes
 * @param keys distinct idempotency keys
 * @param repeated executions beyond the first of their key
 * @param runningAtKill repeats of attempts that had not finished when the first process died
 * @param finishedUnrecorded repeats of attempts that had finished, but whose result was not in the
 *     agent's journal when the first process died
 * @param earliestUnrecordedEnd of those, how long before the kill the earliest one finished
 * @param unexplained repeats of attempts whose result was recorded, or repeats within one process
 * @param examples a few unexplained keys with their log lines, for the failure message
 */
record RepeatedExecutions(
    int executions,
    int keys,
    int repeated,
    int runningAtKill,
    int finishedUnrecorded,
    Duration earliestUnrecordedEnd,
    int unexplained,
    List<String> examples) {

  private static final int EXAMPLES = 5;

  /**
   * @param recorded the idempotency keys whose results the first process's agents had recorded
   */
  static RepeatedExecutions of(
      List<Entry> log, String firstProcess, Instant killed, Set<String> recorded) {
    Map<String, List<Entry>> byKey = new LinkedHashMap<>();
    log.forEach(e -> byKey.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e));
    int executions = 0;
    int repeated = 0;
    int runningAtKill = 0;
    int finishedUnrecorded = 0;
    Duration earliestEnd = Duration.ZERO;
    int unexplained = 0;
    List<String> examples = new ArrayList<>();
    for (Map.Entry<String, List<Entry>> key : byKey.entrySet()) {
      List<Entry> starts = key.getValue().stream().filter(e -> e.what() == What.STARTED).toList();
      executions += starts.size();
      if (starts.size() < 2) {
        continue;
      }
      repeated += starts.size() - 1;
      boolean onceInEach =
          starts.size() == 2
              && starts.get(0).process().equals(firstProcess)
              && !starts.get(1).process().equals(firstProcess);
      if (!onceInEach || recorded.contains(key.getKey())) {
        unexplained += starts.size() - 1;
        if (examples.size() < EXAMPLES) {
          examples.add(key.getKey() + " " + key.getValue());
        }
        continue;
      }
      Entry firstEnd =
          key.getValue().stream()
              .filter(e -> e.what() == What.ENDED && e.process().equals(firstProcess))
              .findFirst()
              .orElse(null);
      if (firstEnd == null) {
        runningAtKill++;
      } else {
        finishedUnrecorded++;
        Duration before = Duration.between(firstEnd.at(), killed);
        earliestEnd = before.compareTo(earliestEnd) > 0 ? before : earliestEnd;
      }
    }
    return new RepeatedExecutions(
        executions,
        byKey.size(),
        repeated,
        runningAtKill,
        finishedUnrecorded,
        earliestEnd,
        unexplained,
        List.copyOf(examples));
  }
}
