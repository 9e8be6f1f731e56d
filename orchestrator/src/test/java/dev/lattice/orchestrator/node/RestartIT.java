package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.run.RunEntity;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.RecoveryLog;
import dev.lattice.orchestrator.testing.TestJournal;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.worker.action.ActionResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node stopped cleanly and started again on the same journal (the H2 file in the same data
 * directory here, a PostgreSQL database in {@link RestartPostgresIT}) picks up where it was.
 */
class RestartIT {
  @TempDir Path data;

  /** The journal both nodes of the test use. */
  TestJournal journal() {
    return TestJournal.h2(data);
  }

  private static final ExecuteRequest REQUEST =
      ExecuteRequest.plan(
          plan(
              "{'steps': [{'id': 'a', 'capability': 'echo'},"
                  + " {'id': 'slow', 'capability': 'slow', 'dependsOn': ['a']},"
                  + " {'id': 'z', 'capability': 'echo', 'dependsOn': ['slow']}]}"),
          json("{'n': 1}"));

  @Test
  void aRunCutOffByAStopFinishesAfterTheNextStartAndFinishedRunsStayAsTheyWere() {
    TestJournal journal = journal();
    RunId finished;
    RunId cutOff;
    List<RunEvent> finishedEvents;
    // The first node's slow agent never answers: its run is still waiting when the node stops.
    try (Lattice first =
        journal.node().action("slow", (request, context) -> new CompletableFuture<>()).start()) {
      RunAccepted done =
          Await.result(
              first
                  .client()
                  .execute(
                      ExecuteRequest.plan(
                          plan("{'steps': [{'id': 'a', 'capability': 'echo'}]}"), json("{}"))));
      Await.result(first.client().awaitTerminal(done.runId()));
      finished = done.runId();
      finishedEvents = events(first, finished);
      cutOff = Await.result(first.client().execute(REQUEST)).runId();
      // The agent took the step (and, since it does not answer, the run recorded that it started).
      awaitStep(first, cutOff, "slow", StepStatus.RUNNING);
    }

    try (RecoveryLog finishedRecoveries = RecoveryLog.of(RunEntity.persistenceId(finished).id());
        Lattice second =
            journal
                .node()
                .action(
                    "slow",
                    (request, context) ->
                        CompletableFuture.completedFuture(
                            ActionResult.of(json("{'slow': 'done'}"))))
                .start()) {
      // A finished run's events, and a cursor past its end, come from the journal alone: its
      // entity is not woken (no recovery), however often it is replayed.
      long last = finishedEvents.get(finishedEvents.size() - 1).seq();
      assertThat(events(second, finished)).isEqualTo(finishedEvents);
      assertThat(events(second, finished, last + 1)).isEmpty();
      assertThat(events(second, finished, last + 1000)).isEmpty();
      assertThat(finishedRecoveries.recoveries()).isZero();
      Await.result(second.client().awaitTerminal(finished));
      assertThat(finishedRecoveries.recoveries())
          .as("asking the run itself does wake it (the log sees recoveries)")
          .isOne();

      // Only journal reads here: the node resumes the run without being asked to.
      RunView view = awaitStatus(second, cutOff, RunStatus.COMPLETED);
      assertThat(view.output()).isEqualTo(json("{'z': {'slow': {'slow': 'done'}}}"));
      assertThat(events(second, finished)).isEqualTo(finishedEvents);
    }
  }

  private static List<RunEvent> events(Lattice lattice, RunId runId) {
    return events(lattice, runId, 1);
  }

  private static List<RunEvent> events(Lattice lattice, RunId runId, long fromSeq) {
    return Await.result(
        lattice.client().events(runId, fromSeq).runWith(Sink.seq(), lattice.system()));
  }

  private static void awaitStep(Lattice lattice, RunId runId, String step, StepStatus status) {
    poll(
        () ->
            Await.result(lattice.client().run(runId)).steps().stream()
                .anyMatch(s -> s.id().equals(step) && s.status() == status));
  }

  private static RunView awaitStatus(Lattice lattice, RunId runId, RunStatus status) {
    poll(() -> Await.result(lattice.client().run(runId)).status() == status);
    return Await.result(lattice.client().run(runId));
  }

  private static void poll(BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!condition.getAsBoolean()) {
      assertThat(Instant.now()).as("condition met in time").isBefore(deadline);
      try {
        // Polling the journal; the deadline above bounds the wait.
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
