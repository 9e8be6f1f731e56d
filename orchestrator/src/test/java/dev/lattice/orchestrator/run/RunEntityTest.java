package dev.lattice.orchestrator.run;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.run.core.RunProgress;
import dev.lattice.orchestrator.run.core.RunProgressTest;
import dev.lattice.orchestrator.run.core.RunScenario;
import dev.lattice.orchestrator.run.core.RunState;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunEventType;
import dev.lattice.protocol.run.RunFeed;
import dev.lattice.protocol.run.RunSpec;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RunEntityTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config());
  private static final PlanSpec CHAIN =
      plan(
          "{'steps': [{'id': 'a', 'capability': 'echo'},"
              + " {'id': 'b', 'capability': 'echo', 'dependsOn': ['a']}]}");

  private final RecordingAssignments assignments = new RecordingAssignments();
  private final ConcurrentLinkedQueue<Assignment> sent = assignments.sent;
  private final ConcurrentLinkedQueue<String> withdrawn = assignments.withdrawn;
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
            assignments,
            Clock.systemUTC(),
            65_536);
    run =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), RunEntity.eventSourced(runId, shard.ref(), services, false));
  }

  private RunAccepted start(PlanSpec plan) {
    RunSpec spec = RunScenario.spec(plan, json("{'x': 1}"), null);
    return run.<StatusReply<RunAccepted>>runCommand(
            replyTo -> new RunEntity.StartRun(spec, false, replyTo))
        .reply()
        .getValue();
  }

  private void report(String stepId, int attempt, StepOutcome outcome) {
    run.runCommand(
        new RunEntity.ReportResult(
            new AssignmentResult(runId, stepId, attempt, "k", AgentId.of("local.echo"), outcome)));
  }

  /** Results are written by a flush the entity sends itself; wait for the state to show it. */
  private RunState awaitState(Predicate<RunState> condition) {
    return testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(5),
            () -> {
              RunState state = run.getState();
              assertThat(condition).accepts(state);
              return state;
            });
  }

  @Test
  void startPersistsRunStartedAndHandsTheFirstStepToItsDispatcher() {
    RunAccepted accepted = start(CHAIN);
    assertThat(accepted).isEqualTo(new RunAccepted(runId, true));
    assertThat(run.getState().status()).isEqualTo(RunStatus.RUNNING);
    assertThat(sent).extracting(Assignment::stepId).containsExactly("a");
    Assignment a = sent.peek();
    assertThat(a.idempotencyKey()).isEqualTo(runId + "/a/1");
    assertThat(a.input()).isEqualTo(json("{'x': 1}"));
  }

  @Test
  void startingAgainAnswersWithTheSameRunAndPersistsNothing() {
    start(CHAIN);
    RunSpec spec = RunScenario.spec(CHAIN, json("{}"), null);
    var again =
        run.<StatusReply<RunAccepted>>runCommand(
            replyTo -> new RunEntity.StartRun(spec, false, replyTo));
    assertThat(again.reply().getValue()).isEqualTo(new RunAccepted(runId, false));
    assertThat(again.events()).isEmpty();
  }

  @Test
  void resultsMoveTheDagOnAndTheLastOneCompletesTheRun() {
    start(CHAIN);
    report("a", 1, StepOutcome.succeeded(json("{'done': 'a'}"), null));
    awaitState(s -> s.step("b").status() == StepStatus.DISPATCHED);
    assertThat(sent).extracting(Assignment::stepId).containsExactly("a", "b");
    report("b", 1, StepOutcome.succeeded(json("{'done': 'b'}"), null));
    RunState done = awaitState(RunState::terminal);
    assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(done.output()).isEqualTo(json("{'b': {'done': 'b'}}"));
  }

  @Test
  void aWaiterIsAnsweredWhenTheRunEnds() {
    start(CHAIN);
    TestProbe<StatusReply<RunView>> waiter = testKit.createTestProbe();
    run.runCommand(new RunEntity.AwaitTerminal(waiter.ref()));
    waiter.expectNoMessage(Duration.ofMillis(50));
    report("a", 1, StepOutcome.succeeded(json("{}"), null));
    report("b", 1, StepOutcome.succeeded(json("{}"), null));
    RunView view = waiter.receiveMessage(Duration.ofSeconds(5)).getValue();
    assertThat(view.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(view.lastSeq()).isEqualTo(4);
  }

  @Test
  void subscribersHearWhereTheRunStandsThenEveryNewEvent() {
    start(CHAIN);
    TestProbe<RunFeed> follower = testKit.createTestProbe();
    run.runCommand(new RunEntity.Subscribe(follower.ref()));
    RunFeed.Subscribed subscribed = (RunFeed.Subscribed) follower.receiveMessage();
    assertThat(subscribed.lastSeq()).isEqualTo(1);
    assertThat(subscribed.terminal()).isFalse();
    assertThat(subscribed.run()).as("the run's actor, for the follower to watch").isNotNull();
    report("a", 1, StepOutcome.succeeded(json("{}"), null));
    RunFeed.Published published =
        (RunFeed.Published) follower.receiveMessage(Duration.ofSeconds(5));
    assertThat(published.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.seq()).isEqualTo(2);
              assertThat(e.type()).isEqualTo(RunEventType.STEP_SUCCEEDED);
              assertThat(e.stepId()).isEqualTo("a");
            });
  }

  @Test
  void aRestartRebuildsTheStateAndResendsWhatWasInFlight() {
    start(CHAIN);
    report("a", 1, StepOutcome.succeeded(json("{}"), null));
    RunState before = awaitState(s -> s.step("b").status() == StepStatus.DISPATCHED);
    sent.clear();
    var restarted = run.restart();
    assertThat(restarted.state()).isEqualTo(before);
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(5),
            () -> {
              assertThat(sent).extracting(Assignment::stepId).containsExactly("b");
              return null;
            });
  }

  @Test
  void aLongAttemptGetsAStepStartedOfItsOwn() {
    start(CHAIN);
    run.runCommand(new RunEntity.ReportStarted("a", 1, AgentId.of("local.echo")));
    RunState running = awaitState(s -> s.step("a").status() == StepStatus.RUNNING);
    assertThat(running.step("a").agentId()).isEqualTo(AgentId.of("local.echo"));
  }

  @Test
  void aRetryThatFallsDueIsDispatchedAndNotTakenBack() {
    start(
        plan(
            "{'steps': [{'id': 'a', 'capability': 'echo',"
                + " 'retry': {'maxAttempts': 2, 'initialBackoffMs': 10, 'jitter': 0}}]}"));
    report("a", 1, StepOutcome.failed(ErrorClass.AGENT_ERROR, "once", null));
    awaitState(s -> s.step("a").status() == StepStatus.DISPATCHED && s.step("a").attempt() == 2);
    assertThat(sent).extracting(Assignment::idempotencyKey).contains(runId + "/a/2");
    // The retry's deadline is not an attempt that timed out: nothing may be withdrawn.
    assertThat(withdrawn).isEmpty();
  }

  @Test
  void aRepeatedResultIsIgnored() {
    start(CHAIN);
    report("a", 1, StepOutcome.succeeded(json("{}"), null));
    awaitState(s -> s.step("b").status() == StepStatus.DISPATCHED);
    report("a", 1, StepOutcome.succeeded(json("{'again': true}"), null));
    // The state answer comes after the entity has processed the repeated result and its flush.
    TestProbe<StatusReply<RunView>> probe = testKit.createTestProbe();
    run.runCommand(new RunEntity.GetRun(probe.ref()));
    assertThat(probe.receiveMessage().getValue().lastSeq()).isEqualTo(2);
    List<Object> journal =
        run.persistenceTestKit().persistedInStorage(RunEntity.persistenceId(runId).id());
    assertThat(journal.stream().filter(e -> e instanceof RunChange.StepSucceeded)).hasSize(1);
  }
}
