package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.run.RunEntity;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.JournalRows;
import dev.lattice.orchestrator.testing.MutableClock;
import dev.lattice.orchestrator.testing.RunEvents;
import dev.lattice.persistence.query.UnknownRunException;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.api.AuditVerification;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention on a real node and H2 file journal, with the node's clock moved past the age: finished
 * runs older than the age disappear wholly (events, snapshots, index row), while runs that are not
 * finished, however old their last change, and young finished runs stay as they were; a node
 * started again on the same directory carries the remaining runs on.
 */
class RetentionIT {
  private static final Duration AGE = Duration.ofDays(1);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static final PlanSpec CHAIN =
      plan(
          "{'steps': ["
              + IntStream.range(0, 10)
                  .mapToObj(
                      i ->
                          "{'id': 's"
                              + i
                              + "', 'capability': 'echo'"
                              + (i == 0 ? "" : ", 'dependsOn': ['s" + (i - 1) + "']")
                              + "}")
                  .collect(Collectors.joining(", "))
              + "]}");
  private static final PlanSpec REFUSED = plan("{'steps': [{'id': 'a', 'capability': 'refuse'}]}");
  private static final PlanSpec HELD = plan("{'steps': [{'id': 'h', 'capability': 'held'}]}");

  @TempDir Path data;

  private final MutableClock clock = new MutableClock();

  @Test
  void finishedRunsOlderThanTheAgeGoWhollyAndEveryOtherRunStaysAsItWas() {
    RunId completed;
    RunId failed;
    RunId cancelled;
    RunId running;
    RunId paused;
    RunId young;
    List<RunEvent> youngEvents;
    try (Lattice first = node((request, context) -> new CompletableFuture<>())) {
      LatticeClient client = first.client();
      completed = finished(client, CHAIN, RunStatus.COMPLETED);
      failed = finished(client, REFUSED, RunStatus.FAILED);
      cancelled = held(first);
      intervene(client, cancelled, InterventionType.CANCEL);
      running = held(first);
      paused = held(first);
      intervene(client, paused, InterventionType.PAUSE);
      assertThat(JournalRows.snapshots(first, persistenceId(completed)))
          .as("the finished run has snapshots to delete")
          .isPositive();
      Map<RunId, Long> liveRows =
          Map.of(running, rows(first, running), paused, rows(first, paused));

      // A replay of the completed run, held after its second event until the run is deleted.
      CompletableFuture<Void> deleted = new CompletableFuture<>();
      CompletionStage<List<RunEvent>> replay =
          client
              .events(completed, 1)
              .mapAsync(
                  1,
                  e ->
                      e.seq() == 2
                          ? deleted.thenApply(done -> e)
                          : CompletableFuture.completedFuture(e))
              .addAttributes(Attributes.inputBuffer(1, 1))
              .runWith(Sink.seq(), first.system());

      clock.advance(AGE.plusHours(1));
      young = finished(client, CHAIN, RunStatus.COMPLETED);
      youngEvents = events(first, young);

      Await.until(
          () -> gone(first, completed) && gone(first, failed) && gone(first, cancelled), TIMEOUT);
      deleted.complete(null);
      for (RunId runId : List.of(completed, failed, cancelled)) {
        assertThat(rows(first, runId)).isZero();
        assertThat(JournalRows.snapshots(first, persistenceId(runId))).isZero();
        assertThat(Await.failure(client.run(runId))).isInstanceOf(UnknownRunException.class);
        assertThat(Await.failure(client.events(runId, 1).runWith(Sink.seq(), first.system())))
            .isInstanceOf(UnknownRunException.class);
      }
      assertThat(Await.failure(replay))
          .as("a replay cut off by the deletion ends rather than waiting forever")
          .isInstanceOf(UnknownRunException.class);

      // The deleted runs' entities are still in memory (finished runs stay a while to answer
      // late questions): whatever they are sent, they write nothing that would bring half a run
      // back.
      for (RunId runId : List.of(completed, failed, cancelled)) {
        Await.result(
            client
                .intervene(runId, InterventionType.CANCEL, new Intervention("test", "late"))
                .handle((view, refused) -> runId));
        assertThat(rows(first, runId)).isZero();
      }

      // Old but not finished, and finished but young: untouched.
      for (Map.Entry<RunId, Long> live : liveRows.entrySet()) {
        assertThat(rows(first, live.getKey())).isEqualTo(live.getValue());
        assertThat(Await.result(client.summary(live.getKey()))).isPresent();
      }
      assertThat(Await.result(client.run(running)).status()).isEqualTo(RunStatus.RUNNING);
      assertThat(Await.result(client.run(paused)).status()).isEqualTo(RunStatus.PAUSED);
      assertThat(events(first, young)).isEqualTo(youngEvents);
      // The dispatchers' audit chains kept the deleted runs' rows, emptied: they still verify.
      for (RunId runId : List.of(running, paused, young)) {
        AuditVerification verified = Await.result(client.verifyAudit(runId));
        assertThat(verified.intact()).as(verified.toString()).isTrue();
      }
    }

    try (Lattice second =
        node(
            (request, context) ->
                CompletableFuture.completedFuture(ActionResult.of(json("{'held': 'done'}"))))) {
      LatticeClient client = second.client();
      // The running run is resumed by the node itself; the paused one once resumed.
      intervene(client, paused, InterventionType.RESUME);
      for (RunId runId : List.of(running, paused)) {
        assertThat(Await.result(client.awaitTerminal(runId)).status())
            .isEqualTo(RunStatus.COMPLETED);
        RunEvents.assertWellFormed(events(second, runId));
      }
      assertThat(events(second, young)).isEqualTo(youngEvents);
      for (RunId runId : List.of(completed, failed, cancelled)) {
        assertThat(Await.failure(client.run(runId))).isInstanceOf(UnknownRunException.class);
        assertThat(Await.result(client.summary(runId))).isEmpty();
        assertThat(rows(second, runId)).isZero();
      }
    }
  }

  private Lattice node(AgentAction held) {
    return Lattice.builder()
        .dataDirectory(data)
        .clock(clock)
        .config(
            ConfigFactory.parseString(
                "lattice.retention { finished-run-age = "
                    + AGE.toDays()
                    + "d, sweep-interval = 100ms, batch-size = 2 }\n"
                    // Snapshots to delete, and replays that read a page at a time.
                    + "lattice.run.snapshot-every = 2\n"
                    + "lattice.persistence.read-side.page-size = 2"))
        .action("held", held)
        .action(
            "refuse",
            (request, context) ->
                CompletableFuture.failedFuture(
                    new ActionException(ErrorClass.INVALID_INPUT, "no thanks")))
        .start();
  }

  private static RunId finished(LatticeClient client, PlanSpec plan, RunStatus status) {
    RunId runId = Await.result(client.execute(ExecuteRequest.plan(plan, json("{}")))).runId();
    assertThat(Await.result(client.awaitTerminal(runId)).status()).isEqualTo(status);
    return runId;
  }

  /** A run whose only step an agent has taken (and the run has recorded so) but not finished. */
  private static RunId held(Lattice lattice) {
    LatticeClient client = lattice.client();
    RunId runId = Await.result(client.execute(ExecuteRequest.plan(HELD, json("{}")))).runId();
    Await.until(
        () -> Await.result(client.run(runId)).steps().get(0).status() == StepStatus.RUNNING,
        TIMEOUT);
    return runId;
  }

  private static void intervene(LatticeClient client, RunId runId, InterventionType type) {
    Await.result(client.intervene(runId, type, new Intervention("test", null)));
  }

  private static boolean gone(Lattice lattice, RunId runId) {
    return Await.result(lattice.client().summary(runId)).isEmpty();
  }

  private static long rows(Lattice lattice, RunId runId) {
    return JournalRows.count(lattice, persistenceId(runId));
  }

  private static String persistenceId(RunId runId) {
    return RunEntity.persistenceId(runId).id();
  }

  private static List<RunEvent> events(Lattice lattice, RunId runId) {
    return Await.result(lattice.client().events(runId, 1).runWith(Sink.seq(), lattice.system()));
  }
}
