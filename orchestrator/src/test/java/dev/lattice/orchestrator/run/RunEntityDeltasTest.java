package dev.lattice.orchestrator.run;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.run.core.RunProgress;
import dev.lattice.orchestrator.run.core.RunProgressTest;
import dev.lattice.orchestrator.run.core.RunScenario;
import dev.lattice.orchestrator.run.core.RunState;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunFeed;
import dev.lattice.protocol.run.StepDelta;
import dev.lattice.protocol.run.StepStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A run passes its running attempts' streamed text to its followers, holds it for followers that
 * subscribe later, and forgets it when the attempt ends; text of any other attempt is dropped.
 * Nothing of it is persisted.
 */
class RunEntityDeltasTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config());
  private static final PlanSpec CHAIN =
      plan(
          "{'steps': [{'id': 'a', 'capability': 'echo'},"
              + " {'id': 'b', 'capability': 'echo', 'dependsOn': ['a']}]}");
  private static final Duration QUIET = Duration.ofMillis(100);

  private final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
  private final RunId runId = RunId.random();
  private EventSourcedBehaviorTestKit<RunEntity.Command, RunChange, RunState> run;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void create() {
    RunServices services =
        new RunServices(
            RunProgressTest.SETTINGS,
            new RunProgress(RunProgressTest.SETTINGS),
            new RecordingAssignments(),
            Clock.systemUTC(),
            8);
    run =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), RunEntity.eventSourced(runId, shard.ref(), services, false));
    run.<StatusReply<RunAccepted>>runCommand(
        replyTo ->
            new RunEntity.StartRun(RunScenario.spec(CHAIN, json("{}"), null), false, replyTo));
  }

  private StepDelta delta(String step, int attempt, long offset, String text) {
    return StepDelta.of(runId.value(), step, attempt, 1, offset, offset == 0, text, Instant.EPOCH);
  }

  private TestProbe<RunFeed> subscribe() {
    TestProbe<RunFeed> follower = testKit.createTestProbe();
    run.runCommand(new RunEntity.Subscribe(follower.ref(), true));
    return follower;
  }

  private static List<StepDelta> drain(TestProbe<RunFeed> follower) {
    List<StepDelta> deltas = new ArrayList<>();
    while (true) {
      List<RunFeed> got = new ArrayList<>();
      try {
        got.add(follower.receiveMessage(QUIET));
      } catch (AssertionError quiet) {
        return deltas;
      }
      got.stream()
          .filter(RunFeed.Delta.class::isInstance)
          .forEach(feed -> deltas.add(((RunFeed.Delta) feed).delta()));
    }
  }

  @Test
  void passesOnTheRunningAttemptsTextAndDropsAnyOther() {
    TestProbe<RunFeed> follower = subscribe();
    drain(follower);

    run.runCommand(new RunEntity.PublishDelta(delta("a", 1, 0, "Hel")));
    run.runCommand(new RunEntity.PublishDelta(delta("a", 2, 0, "not yet")));
    run.runCommand(new RunEntity.PublishDelta(delta("b", 1, 0, "not dispatched")));
    run.runCommand(new RunEntity.PublishDelta(delta("a", 1, 3, "lo")));

    assertThat(drain(follower)).extracting(StepDelta::text).containsExactly("Hel", "lo");
    assertThat(run.getState().step("a").status()).isEqualTo(StepStatus.DISPATCHED);
  }

  @Test
  void aFollowerOfEventsOnlyGetsNoText() {
    TestProbe<RunFeed> follower = testKit.createTestProbe();
    run.runCommand(new RunEntity.Subscribe(follower.ref()));
    run.runCommand(new RunEntity.PublishDelta(delta("a", 1, 0, "Hel")));

    assertThat(drain(follower)).isEmpty();
    assertThat(drain(subscribe())).extracting(StepDelta::text).containsExactly("Hel");
  }

  @Test
  void aNewFollowerHearsTheTextSoFarTheNewestOfItAndNothingOnceTheAttemptEnded() {
    run.runCommand(new RunEntity.PublishDelta(delta("a", 1, 0, "Hello, ")));
    run.runCommand(new RunEntity.PublishDelta(delta("a", 1, 7, "world")));

    List<StepDelta> soFar = drain(subscribe());
    // The run holds the newest 8 characters of the attempt.
    assertThat(soFar).hasSize(1);
    assertThat(soFar.get(0).text()).isEqualTo("o, world");
    assertThat(soFar.get(0).offset()).isEqualTo(4);
    assertThat(soFar.get(0).reset()).isTrue();

    run.runCommand(
        new RunEntity.ReportResult(
            new AssignmentResult(
                runId,
                "a",
                1,
                "k",
                AgentId.of("local.echo"),
                StepOutcome.succeeded(json("{'text': 'Hello, world'}"), null))));
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> assertThat(run.getState().step("b").status()).isEqualTo(StepStatus.DISPATCHED));
    run.runCommand(new RunEntity.PublishDelta(delta("a", 1, 12, " again")));

    assertThat(drain(subscribe())).isEmpty();
  }
}
