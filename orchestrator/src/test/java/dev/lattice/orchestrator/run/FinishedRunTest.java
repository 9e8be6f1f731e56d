package dev.lattice.orchestrator.run;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.run.core.RunDeadline;
import dev.lattice.orchestrator.run.core.RunProgress;
import dev.lattice.orchestrator.run.core.RunProgressTest;
import dev.lattice.orchestrator.run.core.RunScenario;
import dev.lattice.orchestrator.run.core.RunState;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.api.OverrideRequest;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunSpec;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A finished run writes nothing more, whatever it is sent. Retention relies on it: a finished run
 * is deleted while its entity may still be in memory, and a write after the deletion would leave
 * half a run behind.
 */
class FinishedRunTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config());
  private static final PlanSpec ONE_STEP = plan("{'steps': [{'id': 'a', 'capability': 'echo'}]}");
  private static final AgentId AGENT = AgentId.of("local.echo");

  private final RunId runId = RunId.random();
  private final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
  private final EventSourcedBehaviorTestKit<RunEntity.Command, RunChange, RunState> run =
      EventSourcedBehaviorTestKit.create(
          testKit.system(),
          RunEntity.eventSourced(
              runId,
              shard.ref(),
              new RunServices(
                  RunProgressTest.SETTINGS,
                  new RunProgress(RunProgressTest.SETTINGS),
                  new RecordingAssignments(),
                  Clock.systemUTC(),
                  65_536),
              false));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aCompletedRunWritesNothingMore() {
    start();
    report(1, StepOutcome.succeeded(json("{}"), null));
    assertNothingWrittenAfter(RunStatus.COMPLETED);
  }

  @Test
  void aFailedRunWritesNothingMore() {
    start();
    report(1, StepOutcome.failed(ErrorClass.INVALID_INPUT, "no", null));
    assertNothingWrittenAfter(RunStatus.FAILED);
  }

  @Test
  void aCancelledRunWritesNothingMore() {
    start();
    intervene(InterventionType.CANCEL);
    assertNothingWrittenAfter(RunStatus.CANCELLED);
  }

  @Test
  void aRunWithNoEventsLeftDropsALateResult() {
    // What a deleted run's entity sees when a result of an attempt it dispatched arrives late.
    report(1, StepOutcome.succeeded(json("{'late': true}"), null));
    run.runCommand(RunEntity.Flush.INSTANCE);
    assertThat(run.<StatusReply<RunView>>runCommand(RunEntity.GetRun::new).reply().isError())
        .isTrue();
    assertThat(journal()).isEmpty();
  }

  private void assertNothingWrittenAfter(RunStatus terminal) {
    RunView finished = view();
    assertThat(finished.status()).isEqualTo(terminal);
    long events = journal().size();

    assertThat(start()).isEqualTo(new RunAccepted(runId, false));
    for (int attempt = 1; attempt <= 2; attempt++) {
      report(attempt, StepOutcome.succeeded(json("{'late': true}"), null));
      report(attempt, StepOutcome.failed(ErrorClass.TIMEOUT, "late", null));
      run.runCommand(new RunEntity.RecordStarted("a", attempt));
      for (RunDeadline.Kind kind : RunDeadline.Kind.values()) {
        run.runCommand(new RunEntity.Due(new RunDeadline(kind, "a", attempt, Instant.EPOCH)));
      }
    }
    for (InterventionType type : InterventionType.values()) {
      intervene(type);
    }
    run.runCommand(RunEntity.Resume.INSTANCE);
    run.runCommand(RunEntity.Redeliver.INSTANCE);
    // Writes results that waited for a flush; the answer below comes after it in the mailbox.
    run.runCommand(RunEntity.Flush.INSTANCE);

    assertThat(view()).isEqualTo(finished);
    assertThat(journal()).hasSize((int) events);
  }

  private RunAccepted start() {
    RunSpec spec = RunScenario.spec(ONE_STEP, json("{}"), "key");
    return run.<StatusReply<RunAccepted>>runCommand(
            replyTo -> new RunEntity.StartRun(spec, false, replyTo))
        .reply()
        .getValue();
  }

  private void report(int attempt, StepOutcome outcome) {
    run.runCommand(
        new RunEntity.ReportResult(
            new AssignmentResult(runId, "a", attempt, runId + "/a/" + attempt, AGENT, outcome)));
  }

  private void intervene(InterventionType type) {
    run.<RunEntity.InterventionOutcome>runCommand(
        replyTo ->
            switch (type) {
              case SIGNAL ->
                  new RunEntity.Signal(
                      "go", new SignalRequest("a", json("{}"), "test", null), replyTo);
              case OVERRIDE ->
                  new RunEntity.OverrideStep(
                      "a", new OverrideRequest(json("{}"), "test", null), replyTo);
              case RETRY -> new RunEntity.RetryStep("a", new Intervention("test", null), replyTo);
              default -> new RunEntity.Intervene(type, new Intervention("test", null), replyTo);
            });
  }

  /** The run's view once everything sent before has been handled (flushes included). */
  private RunView view() {
    return testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(5),
            () -> {
              RunView view =
                  run.<StatusReply<RunView>>runCommand(RunEntity.GetRun::new).reply().getValue();
              assertThat(view.status().terminal()).isTrue();
              return view;
            });
  }

  private List<Object> journal() {
    return run.persistenceTestKit().persistedInStorage(RunEntity.persistenceId(runId).id());
  }
}
