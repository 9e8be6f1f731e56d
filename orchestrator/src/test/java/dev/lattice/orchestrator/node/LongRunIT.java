package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.run.RunEntity;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.JournalRows;
import dev.lattice.orchestrator.testing.RecoveryLog;
import dev.lattice.orchestrator.testing.RunEvents;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunEventType;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.protocol.run.StepView;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run with more than 50,000 events, stopped while still running: the next node recovers it from a
 * snapshot near the end of its journal rather than from its first event, the run finishes, and its
 * events stream gap-free from the first sequence number and from a late one.
 *
 * <p>The history is made by the real runtime: many steps whose agent fails with a retryable error
 * on every attempt but the last (each failed attempt is three events: failed, retry scheduled,
 * dispatched), beside one step whose agent does not answer on the first node.
 */
class LongRunIT {
  private static final long EVENTS = 50_000;

  /** The most attempts a plan may give a step. */
  private static final int MAX_ATTEMPTS = 100;

  /** Steps enough for {@link #EVENTS}: each makes three events per failed attempt, plus one. */
  private static final int FLAKY_STEPS = (int) (EVENTS / (3 * (MAX_ATTEMPTS - 1))) + 1;

  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration FINISH_TIMEOUT = Duration.ofMinutes(1);

  @TempDir Path data;

  private final Set<String> flakySucceeded = ConcurrentHashMap.newKeySet();

  @Test
  void aRunOfFiftyThousandEventsRecoversFromASnapshotFinishesAndStreamsEveryEventOnce() {
    RunId runId;
    long eventsBeforeStop;
    long snapshotSeq;
    int snapshotEvery;
    try (Lattice first = node((request, context) -> new CompletableFuture<>())) {
      snapshotEvery = first.system().settings().config().getInt("lattice.run.snapshot-every");
      long start = System.nanoTime();
      runId =
          Await.result(first.client().execute(ExecuteRequest.plan(longPlan(), json("{}")))).runId();
      Await.until(() -> flakySucceeded.size() == FLAKY_STEPS, BUILD_TIMEOUT);
      // The last results are written shortly after the agents returned them.
      Await.until(() -> onlyHeldOpen(Await.result(first.client().run(runId))), FINISH_TIMEOUT);
      double buildSeconds = seconds(start);

      long readStart = System.nanoTime();
      RunView before = Await.result(first.client().run(runId));
      double readMillis = seconds(readStart) * 1000;
      eventsBeforeStop = before.lastSeq();
      String persistenceId = RunEntity.persistenceId(runId).id();
      assertThat(eventsBeforeStop).isGreaterThanOrEqualTo(EVENTS);
      assertThat(JournalRows.count(first, persistenceId)).isEqualTo(eventsBeforeStop);
      snapshotSeq = JournalRows.latestSnapshot(first, persistenceId);
      assertThat(snapshotSeq).isGreaterThan(eventsBeforeStop - snapshotEvery);
      System.out.printf(
          "long run: %d events in %.1f s (%.0f events/s); latest snapshot at seq %d;"
              + " reading its state took %.0f ms%n",
          eventsBeforeStop, buildSeconds, eventsBeforeStop / buildSeconds, snapshotSeq, readMillis);
    }

    String persistenceId = RunEntity.persistenceId(runId).id();
    try (RecoveryLog recovery = RecoveryLog.of(persistenceId);
        Lattice second =
            node(
                (request, context) ->
                    CompletableFuture.completedFuture(ActionResult.of(json("{'held': 'done'}"))))) {
      // Follows the run from its first event while it recovers and finishes.
      long streamStart = System.nanoTime();
      CompletionStage<List<RunEvent>> all =
          second.client().events(runId, 1).runWith(Sink.seq(), second.system());

      RunView done = Await.result(second.client().awaitTerminal(runId), FINISH_TIMEOUT);
      assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
      assertThat(step(done, "held").output()).isEqualTo(json("{'held': 'done'}"));
      assertThat(done.steps()).allMatch(s -> s.status() == StepStatus.SUCCEEDED);
      assertThat(done.lastSeq()).isGreaterThan(eventsBeforeStop);
      // The client's read (latest snapshot, then the events after it) agrees with the run itself.
      assertThat(Await.result(second.client().run(runId))).isEqualTo(done);

      // Recovery started from the snapshot near the end, not from event 1.
      assertThat(recovery.recoveries()).as("recoveries Pekko reported for the run").isEqualTo(1);
      assertThat(recovery.snapshotSeq())
          .as("the snapshot Pekko reported the recovery started from")
          .contains(snapshotSeq);
      long replayed = eventsBeforeStop - snapshotSeq;
      assertThat(replayed).isLessThan(snapshotEvery);

      List<RunEvent> events = Await.result(all, FINISH_TIMEOUT);
      double streamSeconds = seconds(streamStart);
      RunEvents.assertWellFormed(events);
      assertThat(events).hasSize((int) done.lastSeq());
      assertThat(events.get(events.size() - 1).type()).isEqualTo(RunEventType.RUN_COMPLETED);
      assertThat(JournalRows.count(second, persistenceId)).isEqualTo(done.lastSeq());

      // From late sequence numbers: across the snapshot, and the last few events.
      for (long from : List.of(snapshotSeq, done.lastSeq() - 2)) {
        List<RunEvent> tail =
            Await.result(second.client().events(runId, from).runWith(Sink.seq(), second.system()));
        assertThat(tail).isEqualTo(events.subList((int) from - 1, events.size()));
      }
      System.out.printf(
          "recovery: from the snapshot at seq %d, replaying %d events, took %s;"
              + " streaming all %d events from seq 1 took %.1f s%n",
          snapshotSeq, replayed, recovery.duration().orElse("?"), events.size(), streamSeconds);
    }
  }

  private Lattice node(AgentAction held) {
    return Lattice.builder()
        .dataDirectory(data)
        // The flaky agent fails on purpose to make a long history; a circuit breaker would
        // hold its work for a cool-down after a few failures.
        .config(ConfigFactory.parseString("lattice.worker.breaker.enabled = off"))
        .action("held", held)
        .action("flaky", this::failUntilLastAttempt)
        .start();
  }

  private CompletionStage<ActionResult> failUntilLastAttempt(
      ActionRequest request, ActionContext context) {
    if (request.attempt() < MAX_ATTEMPTS) {
      return CompletableFuture.failedFuture(
          new ActionException(ErrorClass.RATE_LIMITED, "attempt " + request.attempt()));
    }
    flakySucceeded.add(request.stepId());
    return CompletableFuture.completedFuture(
        ActionResult.of(json("{'attempts': " + request.attempt() + "}")));
  }

  /** Every flaky step succeeded; the held one is running and the run with it. */
  private static boolean onlyHeldOpen(RunView view) {
    return view.status() == RunStatus.RUNNING
        && step(view, "held").status() == StepStatus.RUNNING
        && view.steps().stream()
            .filter(s -> !s.id().equals("held"))
            .allMatch(s -> s.status() == StepStatus.SUCCEEDED);
  }

  private static StepView step(RunView view, String id) {
    return view.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  /** A held step, and flaky ones that back off not at all between attempts. */
  private static PlanSpec longPlan() {
    StringBuilder steps = new StringBuilder("{'steps': [{'id': 'held', 'capability': 'held'}");
    for (int i = 0; i < FLAKY_STEPS; i++) {
      steps
          .append(", {'id': 'flaky-")
          .append(i)
          .append("', 'capability': 'flaky', 'retry': {'maxAttempts': ")
          .append(MAX_ATTEMPTS)
          .append(", 'initialBackoffMs': 0, 'maxBackoffMs': 0, 'jitter': 0}}");
    }
    return plan(steps.append("]}").toString());
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
