package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.ChildJvm;
import dev.lattice.orchestrator.testing.ExecutionLog;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.ParentRun;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunEventType;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node in its own JVM is killed with SIGKILL in the middle of a map over 100 elements, of a loop
 * of 8 iterations and of a child run (mapping over 40 elements). A new node on the same journal
 * finishes all three: the map's output holds every element in the list's order, the loop ends at
 * its eighth iteration, the parent goes on with the child it started (not a second one), and no
 * step that had finished before the kill runs again, in the parents or in the child.
 */
class SubPlanCrashIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int MAP_DONE_AT_KILL = 30;
  private static final int LOOP_DONE_AT_KILL = 2;
  private static final int CHILD_DONE_AT_KILL = 4;

  @TempDir Path data;
  @TempDir Path logs;

  @Test
  void aMapAndALoopKilledMidwayFinishWithoutRunningAFinishedStepAgain() throws Exception {
    Path log = logs.resolve("executions.log");
    Map<String, RunId> runs = new HashMap<>();
    Instant killed = runAndKillMidway(log, runs);
    List<ExecutionLog.Entry> beforeRestart = ExecutionLog.read(log);
    assertThat(ended(beforeRestart, runs.get("map"))).isLessThan(SubPlanCrashWorkload.ELEMENTS);
    assertThat(ended(beforeRestart, runs.get("loop"))).isLessThan(SubPlanCrashWorkload.ITERATIONS);
    RunId child = ParentRun.childId(runs.get("nested"), "C", 1);
    assertThat(ended(beforeRestart, child)).isLessThan(SubPlanCrashWorkload.CHILD_ELEMENTS);

    Instant restarting = Instant.now();
    try (Lattice second = SubPlanCrashWorkload.node(data, log, "second").start()) {
      LatticeClient client = second.client();
      Instant started = Instant.now();
      RunView map = Await.result(client.awaitTerminal(runs.get("map")), DEADLINE);
      RunView loop = Await.result(client.awaitTerminal(runs.get("loop")), DEADLINE);
      RunView nested = Await.result(client.awaitTerminal(runs.get("nested")), DEADLINE);
      Instant done = Instant.now();

      assertThat(map.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(map.output().get("M")).hasSize(SubPlanCrashWorkload.ELEMENTS);
      for (int i = 0; i < SubPlanCrashWorkload.ELEMENTS; i++) {
        assertThat(map.output().get("M").get(i).asInt()).isEqualTo(i);
      }
      assertThat(loop.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(loop.output().get("L").get("iterations").asInt())
          .isEqualTo(SubPlanCrashWorkload.ITERATIONS);

      assertThat(nested.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(nested.output().get("count").asInt())
          .isEqualTo(SubPlanCrashWorkload.CHILD_ELEMENTS);
      RunView childView = Await.result(client.run(child), DEADLINE);
      assertThat(childView.parent().runId()).isEqualTo(runs.get("nested"));
      assertThat(nested.steps().get(0).attempts()).isEqualTo(1);
      assertThat(nested.steps().get(0).childRunId()).isEqualTo(child.value());

      List<ExecutionLog.Entry> all = ExecutionLog.read(log);
      int finishedBefore = 0;
      for (RunId runId : List.of(runs.get("map"), runs.get("loop"), child)) {
        List<RunEvent> events =
            Await.result(client.events(runId, 1).runWith(Sink.seq(), second.system()), DEADLINE);
        Set<String> finished = finishedBefore(events, killed);
        finishedBefore += finished.size();
        for (String stepId : finished) {
          assertThat(starts(all, runId, stepId))
              .as("executions of %s, finished before the kill", stepId)
              .isEqualTo(1);
        }
      }
      System.out.printf(
          "sub-plan crash: %d element and iteration steps finished before the kill, %d"
              + " executions in all for %d steps; the new node started in %d ms and finished"
              + " all three runs %d ms later%n",
          finishedBefore,
          all.stream().filter(e -> e.what() == ExecutionLog.What.STARTED).count(),
          SubPlanCrashWorkload.ELEMENTS
              + SubPlanCrashWorkload.ITERATIONS
              + SubPlanCrashWorkload.CHILD_ELEMENTS,
          Duration.between(restarting, started).toMillis(),
          Duration.between(started, done).toMillis());
      assertThat(finishedBefore)
          .isGreaterThanOrEqualTo(MAP_DONE_AT_KILL + LOOP_DONE_AT_KILL + CHILD_DONE_AT_KILL);
    }
  }

  /** Starts both runs in a child JVM and kills it once each is well under way; returns when. */
  private Instant runAndKillMidway(Path log, Map<String, RunId> runs) throws Exception {
    try (ChildJvm node =
        ChildJvm.start(
            logs.resolve("node.log"),
            SubPlanCrashDriver.class.getName(),
            List.of("-Xmx512m"),
            data.toString(),
            log.toString())) {
      node.awaitLines(line -> line.startsWith("ACK "), 3, DEADLINE);
      for (String line : node.lines()) {
        String[] parts = line.split(" ");
        if (parts[0].equals("ACK")) {
          runs.put(parts[1], RunId.of(parts[2]));
        }
      }
      Await.until(
          () -> {
            List<ExecutionLog.Entry> entries = ExecutionLog.read(log);
            return ended(entries, runs.get("map")) >= MAP_DONE_AT_KILL
                && ended(entries, runs.get("loop")) >= LOOP_DONE_AT_KILL
                && ended(entries, ParentRun.childId(runs.get("nested"), "C", 1))
                    >= CHILD_DONE_AT_KILL;
          },
          DEADLINE);
      Instant killed = Instant.now();
      node.kill();
      return killed;
    }
  }

  /** The steps whose success the journal recorded before {@code killed}. */
  private static Set<String> finishedBefore(List<RunEvent> events, Instant killed) {
    Set<String> finished = new TreeSet<>();
    for (RunEvent event : events) {
      if (RunEventType.STEP_SUCCEEDED.equals(event.type())
          && event.timestamp().isBefore(killed)
          && event.stepId().endsWith(".work")) {
        finished.add(event.stepId());
      }
    }
    return finished;
  }

  private static long ended(List<ExecutionLog.Entry> entries, RunId runId) {
    return entries.stream()
        .filter(e -> e.what() == ExecutionLog.What.ENDED)
        .filter(e -> e.key().startsWith(runId.value() + "/"))
        .count();
  }

  /** How often any attempt of {@code stepId} of {@code runId} started, in both processes. */
  private static long starts(List<ExecutionLog.Entry> entries, RunId runId, String stepId) {
    String prefix = runId.value() + "/" + stepId + "/";
    return entries.stream()
        .filter(e -> e.what() == ExecutionLog.What.STARTED)
        .filter(e -> e.key().startsWith(prefix))
        .count();
  }
}
