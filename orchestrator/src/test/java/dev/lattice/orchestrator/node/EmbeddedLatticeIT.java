package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.plan.PlanRejectedException;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.JournalRows;
import dev.lattice.orchestrator.testing.RunEvents;
import dev.lattice.persistence.query.UnknownRunException;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real embedded node over an H2 file, driven through the embedding client. */
class EmbeddedLatticeIT {
  @TempDir static Path data;

  /** Each of ten calls waits until all ten are running at once: only real parallelism passes. */
  private static final CyclicBarrier TEN_AT_ONCE = new CyclicBarrier(10);

  private static final CompletableFuture<Void> RELEASE = new CompletableFuture<>();

  private static Lattice lattice;
  private static LatticeClient client;

  @BeforeAll
  static void start() {
    lattice =
        Lattice.builder()
            .dataDirectory(data)
            .action(
                "parallel",
                (request, context) ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          try {
                            TEN_AT_ONCE.await(20, TimeUnit.SECONDS);
                          } catch (Exception e) {
                            throw new ActionException(ErrorClass.AGENT_ERROR, "not ten at once");
                          }
                          return ActionResult.of(request.input());
                        },
                        context.executor()),
                10)
            .action(
                "held",
                (request, context) -> RELEASE.thenApply(done -> ActionResult.of(request.input())),
                4)
            .action(
                "refuse",
                (request, context) ->
                    CompletableFuture.failedFuture(
                        new ActionException(ErrorClass.INVALID_INPUT, "no thanks")))
            .start();
    client = lattice.client();
  }

  @AfterAll
  static void stop() {
    RELEASE.complete(null);
    lattice.close();
  }

  private static RunView execute(PlanSpec plan, JsonNode payload) {
    RunAccepted accepted = Await.result(client.execute(ExecuteRequest.plan(plan, payload)));
    return Await.result(client.awaitTerminal(accepted.runId()));
  }

  private static List<RunEvent> events(RunId runId) {
    return Await.result(client.events(runId, 1).runWith(Sink.seq(), lattice.system()));
  }

  @Test
  void runsThreeSequentialStepsAndRecordsFiveEvents() {
    RunView view =
        execute(
            plan(
                "{'steps': [{'id': 'a', 'capability': 'echo'},"
                    + " {'id': 'b', 'capability': 'echo', 'dependsOn': ['a']},"
                    + " {'id': 'c', 'capability': 'echo', 'dependsOn': ['b']}]}"),
            json("{'text': 'hello'}"));
    assertThat(view.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(view.steps())
        .allSatisfy(s -> assertThat(s.status()).isEqualTo(StepStatus.SUCCEEDED));
    assertThat(view.output()).isEqualTo(json("{'c': {'b': {'a': {'text': 'hello'}}}}"));
    List<RunEvent> events = events(RunId.of(view.runId()));
    RunEvents.assertWellFormed(events);
    assertThat(RunEvents.types(events))
        .containsExactly(
            "run.started",
            "step.succeeded:a",
            "step.succeeded:b",
            "step.succeeded:c",
            "run.completed");
    assertThat(events.get(1).data().get("agentId").asText()).isEqualTo("local.echo");
    // The state read from the journal agrees with the live run's answer.
    assertThat(Await.result(client.run(RunId.of(view.runId())))).isEqualTo(view);
    // The run index was written with the journal, in the same transactions.
    assertThat(JournalRows.indexedStatus(lattice, view.runId())).isEqualTo("completed");
  }

  @Test
  void tenBranchesRunAtTheSameTimeAndTheJoinSeesAllTen() {
    StringBuilder steps = new StringBuilder("{'steps': [{'id': 'fan', 'capability': 'echo'}");
    StringBuilder deps = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      steps
          .append(", {'id': 'b")
          .append(i)
          .append("', 'capability': 'parallel', 'dependsOn': ['fan'],")
          .append(" 'input': {'branch': ")
          .append(i)
          .append("}}");
      deps.append(i == 0 ? "" : ", ").append("'b").append(i).append("'");
    }
    steps
        .append(", {'id': 'join', 'capability': 'echo', 'dependsOn': [")
        .append(deps)
        .append("]}]}");
    RunView view = execute(plan(steps.toString()), json("{}"));
    assertThat(view.status()).isEqualTo(RunStatus.COMPLETED);
    JsonNode joined = view.output().get("join");
    assertThat(joined.size()).isEqualTo(10);
    for (int i = 0; i < 10; i++) {
      assertThat(joined.get("b" + i)).isEqualTo(json("{'branch': " + i + "}"));
    }
  }

  @Test
  void theBuiltInIntentsRunToCompletion() {
    RunAccepted indexing =
        Await.result(
            client.execute(
                ExecuteRequest.intent(
                    "indexing", json("{'document': 'd1', 'text': 'One. Two! Three?'}"))));
    RunView indexed = Await.result(client.awaitTerminal(indexing.runId()));
    assertThat(indexed.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(indexed.output().get("done"))
        .isEqualTo(json("{'indexed': 'd1', 'nodes': 3, 'edges': 2}"));

    RunAccepted build =
        Await.result(
            client.execute(ExecuteRequest.intent("code-build-test", json("{'repo': 'demo'}"))));
    RunView built = Await.result(client.awaitTerminal(build.runId()));
    assertThat(built.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(built.output().get("report").get("test").asText()).isEqualTo("tests passed\n");
  }

  @Test
  void aFailingTestFailsTheCodeBuildTestGate() {
    RunAccepted build =
        Await.result(
            client.execute(ExecuteRequest.intent("code-build-test", json("{'test': ['false']}"))));
    RunView view = Await.result(client.awaitTerminal(build.runId()));
    assertThat(view.status()).isEqualTo(RunStatus.FAILED);
    assertThat(view.cause().stepId()).isEqualTo("gate");
    assertThat(view.cause().errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
  }

  @Test
  void aStepThatFailsForGoodFailsTheRunWithItsCause() {
    RunView view = execute(plan("{'steps': [{'id': 'x', 'capability': 'refuse'}]}"), json("{}"));
    assertThat(view.status()).isEqualTo(RunStatus.FAILED);
    assertThat(view.cause().stepId()).isEqualTo("x");
    assertThat(view.cause().errorClass()).isEqualTo(ErrorClass.INVALID_INPUT);
    assertThat(view.cause().message()).isEqualTo("no thanks");
    assertThat(view.cause().attempts()).isEqualTo(1);
    assertThat(JournalRows.indexedStatus(lattice, view.runId())).isEqualTo("failed");
  }

  @Test
  void invalidPlansAreRejectedWithTheReasonAndNothingIsPersisted() {
    // Runs' rows only: dispatchers and agents record earlier tests' work in batches a moment
    // later, and no record of theirs can come from a request that never reached a run.
    long before = JournalRows.runRows(lattice);
    long indexedBefore = JournalRows.indexedCount(lattice);
    List<String> plans =
        List.of(
            "{'steps': []}",
            "{'steps': [{'id': 'a', 'capability': 'echo', 'dependsOn': ['a']}]}",
            "{'steps': [{'id': 'a', 'capability': 'nope'}]}",
            "{'steps': [{'id': 'a', 'capability': 'echo'}, {'id': 'a', 'capability': 'echo'}]}",
            "{'steps': [{'id': 'a', 'capability': 'echo', 'dependsOn': ['b']}, {'id': 'b',"
                + " 'capability': 'echo', 'dependsOn': ['a']}]}");
    for (String json : plans) {
      Throwable failure = Await.failure(client.execute(ExecuteRequest.plan(plan(json), null)));
      assertThat(failure).isInstanceOf(PlanRejectedException.class);
    }
    assertThat(Await.failure(client.execute(ExecuteRequest.intent("nope", null))))
        .hasMessageContaining("unknown intent 'nope'");
    assertThat(JournalRows.indexedCount(lattice)).isEqualTo(indexedBefore);
    assertThat(JournalRows.runRows(lattice)).isEqualTo(before);
  }

  @Test
  void anIdempotencyKeyGivesTheSameRunBack() {
    ExecuteRequest request =
        ExecuteRequest.plan(plan("{'steps': [{'id': 'a', 'capability': 'echo'}]}"), json("{}"));
    RunAccepted first = Await.result(client.execute(request, "order-42"));
    RunAccepted second = Await.result(client.execute(request, "order-42"));
    assertThat(first.created()).isTrue();
    assertThat(second).isEqualTo(new RunAccepted(first.runId(), false));
    assertThat(Await.result(client.awaitTerminal(first.runId())).status())
        .isEqualTo(RunStatus.COMPLETED);
  }

  @Test
  void aRunThatDoesNotExistIsReportedAsSuch() {
    RunId nobody = RunId.random();
    assertThat(Await.failure(client.run(nobody))).isInstanceOf(UnknownRunException.class);
    assertThat(Await.failure(client.events(nobody, 1).runWith(Sink.seq(), lattice.system())))
        .isInstanceOf(UnknownRunException.class);
    assertThat(Await.failure(client.awaitTerminal(nobody))).isInstanceOf(UnknownRunException.class);
  }

  @Test
  void aFollowerReplaysThenFollowsLiveUntilTheRunEnds() {
    RunAccepted accepted =
        Await.result(
            client.execute(
                ExecuteRequest.plan(
                    plan(
                        "{'steps': [{'id': 'a', 'capability': 'echo'},"
                            + " {'id': 'wait', 'capability': 'held', 'dependsOn': ['a']},"
                            + " {'id': 'z', 'capability': 'echo', 'dependsOn': ['wait']}]}"),
                    json("{}"))));
    var following = client.events(accepted.runId(), 1).runWith(Sink.seq(), lattice.system());
    // The stream cannot end while the held step waits; release it and the stream completes.
    assertThat(following.toCompletableFuture()).isNotDone();
    RELEASE.complete(null);
    List<RunEvent> events = Await.result(following, Duration.ofSeconds(30));
    RunEvents.assertWellFormed(events);
    assertThat(events).last().satisfies(e -> assertThat(e.type()).isEqualTo("run.completed"));
    // Reading from the middle gives the tail.
    List<RunEvent> tail =
        Await.result(client.events(accepted.runId(), 3).runWith(Sink.seq(), lattice.system()));
    assertThat(tail).isEqualTo(events.subList(2, events.size()));
  }
}
