package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.testing.Await;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.api.OverrideRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.protocol.run.StepView;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heartbeats, cancellation and overrides through a real node: the actions are real code on the
 * agent's executor, the journal a real H2 file.
 */
class DurableSemanticsIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final long BEAT_EVERY_MS = 50;

  @TempDir static Path data;
  static Lattice lattice;

  /** Attempts of the 'beats' action by idempotency key; the first stays silent. */
  static final ConcurrentHashMap<String, Boolean> silentFirst = new ConcurrentHashMap<>();

  static final AtomicInteger beatsAttempts = new AtomicInteger();
  static final CountDownLatch sawWithdrawal = new CountDownLatch(1);
  static final CountDownLatch release = new CountDownLatch(1);

  @BeforeAll
  static void start() {
    lattice =
        Lattice.builder()
            .dataDirectory(data)
            // First attempt: never answers, never beats. Later ones beat, then answer.
            .action(
                "beats",
                (request, context) -> {
                  if (beatsAttempts.incrementAndGet() == 1) {
                    return new CompletableFuture<>();
                  }
                  return CompletableFuture.supplyAsync(
                      () -> {
                        for (int i = 0; i < 6; i++) {
                          context.heartbeat(request);
                          pause(BEAT_EVERY_MS);
                        }
                        return ActionResult.of(json("{'beat': true}"));
                      },
                      context.executor());
                })
            // Beats until its attempt is withdrawn, then says so.
            .action(
                "until-withdrawn",
                (request, context) ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          while (context.heartbeat(request)) {
                            pause(BEAT_EVERY_MS);
                          }
                          sawWithdrawal.countDown();
                          return ActionResult.of(json("{}"));
                        },
                        context.executor()))
            // Fails for good once released.
            .action(
                "fails-later",
                (request, context) ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          await(release);
                          throw new ActionException(ErrorClass.AUTH, "credentials expired");
                        },
                        context.executor()))
            .start();
  }

  @AfterAll
  static void stop() {
    lattice.close();
  }

  private static void pause(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static RunId execute(String planJson) {
    return Await.result(lattice.client().execute(ExecuteRequest.plan(plan(planJson), json("{}"))))
        .runId();
  }

  private static StepView step(RunId runId, String stepId) {
    return Await.result(lattice.client().run(runId)).steps().stream()
        .filter(s -> s.id().equals(stepId))
        .findFirst()
        .orElseThrow();
  }

  private static List<RunEvent> events(RunId runId) {
    return Await.result(lattice.client().events(runId, 1).runWith(Sink.seq(), lattice.system()));
  }

  @Test
  void aSilentAttemptTimesOutOnItsHeartbeatAndTheRetryThatBeatsSucceeds() {
    RunId runId =
        execute(
            "{'steps': [{'id': 'a', 'capability': 'beats', 'retry': {'maxAttempts': 2,"
                + " 'initialBackoffMs': 10}, 'timeouts': {'heartbeatMs': 400}}]}");
    RunView done = Await.result(lattice.client().awaitTerminal(runId));
    assertThat(done.status()).as("%s", done.cause()).isEqualTo(RunStatus.COMPLETED);
    StepView a = done.steps().get(0);
    assertThat(a.attempts()).isEqualTo(2);
    assertThat(a.output()).isEqualTo(json("{'beat': true}"));
    // The second attempt ran 300 ms, longer than the heartbeat timeout, and kept itself alive.
    assertThat(events(runId))
        .filteredOn(e -> e.type().equals("step.failed"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.data().get("error").get("message").asText())
                    .isEqualTo("attempt 1 sent no heartbeat for 400 ms"));
  }

  @Test
  void cancellingARunWithdrawsTheAttemptInFlightFromItsAction() {
    RunId runId = execute("{'steps': [{'id': 'a', 'capability': 'until-withdrawn'}]}");
    Await.until(() -> step(runId, "a").status() == StepStatus.RUNNING, WAIT);
    RunView cancelled =
        Await.result(
            lattice
                .client()
                .intervene(runId, InterventionType.CANCEL, new Intervention("ops", "enough")));
    assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
    Await.until(() -> sawWithdrawal.getCount() == 0, WAIT);
    assertThat(events(runId)).last().extracting(RunEvent::type).isEqualTo("run.cancelled");
  }

  @Test
  void aStepThatFailedWhileTheRunWasPausedCanBeOverriddenAndTheRunCarriesOn() {
    RunId runId =
        execute(
            "{'steps': [{'id': 'a', 'capability': 'fails-later'},"
                + " {'id': 'b', 'capability': 'echo', 'dependsOn': ['a'],"
                + " 'input': {'from': '${steps.a.output.value}'}}]}");
    Await.until(() -> step(runId, "a").status() == StepStatus.RUNNING, WAIT);
    Await.result(
        lattice.client().intervene(runId, InterventionType.PAUSE, new Intervention("ops", null)));
    release.countDown();
    Await.until(() -> step(runId, "a").status() == StepStatus.FAILED, WAIT);
    assertThat(Await.result(lattice.client().run(runId)).status()).isEqualTo(RunStatus.PAUSED);

    Await.result(
        lattice
            .client()
            .override(
                runId,
                "a",
                new OverrideRequest(json("{'value': 'by hand'}"), "ops", "rotated the key")));
    Await.result(
        lattice.client().intervene(runId, InterventionType.RESUME, new Intervention("ops", null)));
    RunView done = Await.result(lattice.client().awaitTerminal(runId));
    assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(done.output()).isEqualTo(json("{'b': {'from': 'by hand'}}"));
    assertThat(events(runId))
        .extracting(RunEvent::type)
        .containsSubsequence(
            "run.paused", "step.failed", "step.overridden", "run.resumed", "run.completed");
  }
}
