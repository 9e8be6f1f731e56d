package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.apache.pekko.actor.ActorRef.noSender;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.DelayedEcho;
import dev.lattice.orchestrator.testing.HoldFirstAttempt;
import dev.lattice.orchestrator.testing.RunEvents;
import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.QueueView;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunEventType;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.worker.action.AgentAction;
import dev.lattice.worker.agent.AgentSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.PoisonPill;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker loss: an attempt whose agent stops, or whose node leaves the cluster, while it runs ends
 * as a {@code worker_lost} failure within a bounded time, and the run's retry completes it on
 * another agent.
 */
class WorkerLossIT {
  /** The plan: one step on the holding capability, retried quickly. */
  private static final String PLAN =
      "{'steps': [{'id': 'work', 'capability': 'hold', 'input': {'n': 1},"
          + " 'retry': {'maxAttempts': 3, 'initialBackoffMs': 10}}]}";

  /**
   * Generous for a loaded machine: losing the agent is noticed within a second or two here, and the
   * fallback without it (the run's own time limit) is minutes away.
   */
  private static final Duration LOSS_BOUND = Duration.ofSeconds(20);

  @TempDir Path data;

  /** A node on the test's journal whose agents can run {@code action} as "hold". */
  private Lattice.Builder holding(AgentAction action) {
    return Lattice.builder().dataDirectory(data).namedAction("hold", action);
  }

  /**
   * A second node of the cluster of {@code main} in this JVM, on the same journal: worker role
   * only, named far, its agent b preferred (higher priority) so that the first attempt goes there;
   * its agents drain for {@code drainTimeout} when it leaves. Returns once main lists far.b.
   */
  private Lattice farWorker(Lattice main, AgentAction action, String drainTimeout) {
    Lattice worker =
        holding(action)
            .config(
                ConfigFactory.parseString(
                    "lattice.node.roles = [worker]\n"
                        + "lattice.node.name = far\n"
                        + "lattice.worker.drain-timeout = "
                        + drainTimeout
                        + "\n"
                        + "pekko.cluster.seed-nodes = [\""
                        + main.address()
                        + "\"]"))
            .agent(holder("b", 5))
            .start();
    Await.until(
        () ->
            Await.result(main.client().agents()).stream()
                .anyMatch(a -> a.agentId().equals("far.b")),
        LOSS_BOUND);
    return worker;
  }

  private static AgentSpec holder(String id, int priority) {
    return new AgentSpec(id, "hold", Set.of("hold"), Set.of(), 1, priority);
  }

  @Test
  void anAgentStoppedMidStepCostsAnAttemptAndTheRunCompletesOnAnother() {
    HoldFirstAttempt action = new HoldFirstAttempt();
    try (Lattice node = holding(action).agent(holder("a", 0)).agent(holder("b", 0)).start()) {
      RunId runId = execute(node);
      AgentId lost = Await.result(action.firstTakenBy());

      Instant stopped = Instant.now();
      stopAgent(node.system(), lost);
      RunView view = Await.result(node.client().awaitTerminal(runId), LOSS_BOUND);
      assertThat(Duration.between(stopped, Instant.now())).isLessThan(LOSS_BOUND);

      assertLostThenCompletedElsewhere(node, view, lost);
      // The loss shows in the node's state, with the queue's failures.
      List<QueueView> queues = Await.result(node.client().state()).queues();
      assertThat(
              queues.stream()
                  .mapToLong(q -> q.failures().getOrDefault(ErrorClass.WORKER_LOST, 0L))
                  .sum())
          .isEqualTo(1);
    }
  }

  @Test
  void aWorkerOnlyNodeLeavingMidStepCostsAnAttemptAndTheRunCompletesOnTheOtherNode() {
    HoldFirstAttempt action = new HoldFirstAttempt();
    try (Lattice main = holding(action).agent(holder("a", 0)).start()) {
      // Its step never ends: it is handed back after a short drain.
      Lattice worker = farWorker(main, action, "500ms");
      try {
        assertThat(worker.roles()).containsExactly("worker");
        RunId runId = execute(main);
        AgentId lost = Await.result(action.firstTakenBy());
        assertThat(lost).isEqualTo(AgentId.of("far.b"));

        Instant left = Instant.now();
        worker.close();
        RunView view = Await.result(main.client().awaitTerminal(runId), LOSS_BOUND);
        assertThat(Duration.between(left, Instant.now())).isLessThan(LOSS_BOUND);

        assertLostThenCompletedElsewhere(main, view, lost);
        assertThat(view.steps().get(0).agentId()).isEqualTo("local.a");
      } finally {
        worker.close();
      }
    }
  }

  @Test
  void aWorkerOnlyNodeLeavingCleanlyFinishesItsStepBeforeItGoes() {
    AgentAction step = DelayedEcho.after(Duration.ofMillis(1500));
    try (Lattice main = holding(step).agent(holder("a", 0)).start()) {
      Lattice worker = farWorker(main, step, "20s");
      try {
        RunId runId = execute(main);
        Await.until(
            () ->
                "running"
                    .equals(Await.result(main.client().run(runId)).steps().get(0).status().wire()),
            LOSS_BOUND);
        Instant leaving = Instant.now();
        worker.close();
        // It waited for the step, not for the whole drain time.
        assertThat(Duration.between(leaving, Instant.now())).isLessThan(Duration.ofSeconds(15));

        RunView view = Await.result(main.client().awaitTerminal(runId), LOSS_BOUND);
        assertThat(view.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(view.steps().get(0).attempts()).isEqualTo(1);
        assertThat(view.steps().get(0).agentId()).isEqualTo("far.b");
      } finally {
        worker.close();
      }
    }
  }

  private static RunId execute(Lattice node) {
    return Await.result(
            node.client().execute(ExecuteRequest.plan(plan(PLAN), json("{'text': 'hi'}"))))
        .runId();
  }

  /** Stops the agent actor {@code agent} of this node, as its node would when it goes. */
  private static void stopAgent(ActorSystem<Void> system, AgentId agent) {
    Receptionist.Listing listing =
        Await.result(
            AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
                system.receptionist(),
                replyTo -> Receptionist.find(AgentCommand.SERVICE_KEY, replyTo),
                Duration.ofSeconds(10),
                system.scheduler()));
    // Agents are named after their id on their node (WorkerNode): local.a is agent-a.
    String name = "agent-" + agent.value().substring(agent.value().indexOf('.') + 1);
    ActorRef<AgentCommand> ref =
        listing.getServiceInstances(AgentCommand.SERVICE_KEY).stream()
            .filter(r -> r.path().name().equals(name) && r.path().address().hasLocalScope())
            .findFirst()
            .orElseThrow(() -> new AssertionError("no local agent " + name));
    Adapter.toClassic(ref).tell(PoisonPill.getInstance(), noSender());
  }

  /**
   * The run completed; its events show attempt 1 failed with worker_lost on {@code lost}, and
   * attempt 2 succeeded on another agent.
   */
  private static void assertLostThenCompletedElsewhere(Lattice node, RunView view, AgentId lost) {
    assertThat(view.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(view.steps().get(0).attempts()).isEqualTo(2);
    List<RunEvent> events =
        Await.result(
            node.client().events(RunId.of(view.runId()), 1).runWith(Sink.seq(), node.system()));
    RunEvents.assertWellFormed(events);
    RunEvent failed = only(events, RunEventType.STEP_FAILED);
    assertThat(failed.attempt()).isEqualTo(1);
    assertThat(failed.data().get("error").get("errorClass").asText()).isEqualTo("worker_lost");
    assertThat(failed.data().get("agentId").asText()).isEqualTo(lost.value());
    RunEvent succeeded = only(events, RunEventType.STEP_SUCCEEDED);
    assertThat(succeeded.attempt()).isEqualTo(2);
    assertThat(succeeded.data().get("agentId").asText()).isNotEqualTo(lost.value());
  }

  private static RunEvent only(List<RunEvent> events, String type) {
    List<RunEvent> found = events.stream().filter(e -> e.type().equals(type)).toList();
    assertThat(found).as(type + " in " + RunEvents.types(events)).hasSize(1);
    return found.get(0);
  }
}
