package dev.lattice.orchestrator.node;

import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.ChildJvm;
import dev.lattice.orchestrator.testing.RunEvents;
import dev.lattice.orchestrator.testing.TestJournal;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node in its own JVM is killed with SIGKILL while runs are in flight. A new node on the same
 * journal (the H2 file in the same data directory here, a PostgreSQL database in {@link
 * CrashRecoveryPostgresIT}) must bring every run the first node acknowledged to its end, on its
 * own, with event streams that are gap-free and (for runs that had ended) unchanged.
 */
class CrashRecoveryIT {
  private static final int FIRST_BATCH = 100;
  private static final int CONCURRENCY = 16;

  /** Second-batch acknowledgements to wait for before the kill. */
  private static final int SECOND_BATCH_ACKS = 150;

  @TempDir Path data;
  @TempDir Path logs;

  /** The journal both nodes of the test use. */
  TestJournal journal() {
    return TestJournal.h2(data);
  }

  @Test
  void everyAcknowledgedRunEndsAfterAKillAndARestart() throws Exception {
    TestJournal journal = journal();
    Map<String, String> firstBatch = new LinkedHashMap<>();
    List<String> acknowledged;
    List<String> lines;
    List<String> jvmOptions = new ArrayList<>(List.of("-Xmx512m"));
    jvmOptions.addAll(journal.jvmOptions());
    try (ChildJvm node =
        ChildJvm.start(
            logs.resolve("node.log"),
            CrashDriver.class.getName(),
            jvmOptions,
            data.toString(),
            String.valueOf(FIRST_BATCH),
            String.valueOf(CONCURRENCY))) {
      node.awaitLine("FIRST-DONE"::equals, Duration.ofMinutes(2));
      node.awaitLines(l -> l.startsWith("ACK "), SECOND_BATCH_ACKS, Duration.ofMinutes(2));
      node.kill();
      for (String line : node.lines()) {
        if (line.startsWith("FIRST ")) {
          String[] parts = line.split(" ", 3);
          firstBatch.put(parts[1], parts[2]);
        }
      }
      lines = node.lines();
      acknowledged =
          lines.stream().filter(l -> l.startsWith("ACK ")).map(l -> l.substring(4)).toList();
    }
    assertThat(firstBatch).hasSize(FIRST_BATCH);

    Set<String> done =
        lines.stream().filter(l -> l.startsWith("DONE ")).map(l -> l.substring(5)).collect(toSet());
    List<String> interrupted = acknowledged.stream().filter(id -> !done.contains(id)).toList();
    // The kill must have caught runs in flight, or this test proves nothing about recovery.
    assertThat(interrupted).isNotEmpty();

    try (Lattice restarted = journal.node().start()) {
      LatticeClient client = restarted.client();
      // Nobody asks the runs to continue: the node resumes them by itself. The test only reads
      // their journals (which does not wake a run) until every one has ended.
      Map<String, RunView> ended = new HashMap<>();
      Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
      while (ended.size() < acknowledged.size()) {
        assertThat(Instant.now()).as("all acknowledged runs ended in time").isBefore(deadline);
        for (String id : acknowledged) {
          if (!ended.containsKey(id)) {
            RunView view = Await.result(client.run(RunId.of(id)));
            if (view.status().terminal()) {
              ended.put(id, view);
            }
          }
        }
        pause();
      }
      for (RunView view : ended.values()) {
        assertThat(view.status()).as("run %s", view.runId()).isEqualTo(RunStatus.COMPLETED);
        RunEvents.assertWellFormed(events(restarted, view.runId()));
      }
      for (Map.Entry<String, String> run : firstBatch.entrySet()) {
        List<RunEvent> events = events(restarted, run.getKey());
        RunEvents.assertWellFormed(events);
        assertThat(CrashDriver.digest(events))
            .as("run %s after the restart", run.getKey())
            .isEqualTo(run.getValue());
      }
      System.out.printf(
          "crash test: %d first-batch runs unchanged; %d second-batch runs acknowledged, %d of them"
              + " interrupted by the kill; all completed after the restart%n",
          firstBatch.size(), acknowledged.size(), interrupted.size());
    }
  }

  private static void pause() {
    // Polling the journal for the runs' ends; the deadline above bounds the wait.
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static List<RunEvent> events(Lattice lattice, String runId) {
    return Await.result(
        lattice.client().events(RunId.of(runId), 1).runWith(Sink.seq(), lattice.system()));
  }
}
