package dev.lattice.worker.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.AgentManifest;
import dev.lattice.protocol.agent.AgentReply;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.agent.ToolEffect;
import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionResult;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * An agent restarted while a call of one of its tools ran (its node died): an unsafe tool's call is
 * not run again, its outcome unknown; an idempotent one's is.
 */
class WorkerAgentUnsafeToolTest {
  private static final ActorTestKit testKit = ActorTestKit.create(WorkerAgentTest.CONFIG);
  private final TestProbe<AgentReply> dispatcher = testKit.createTestProbe();
  private final AtomicInteger calls = new AtomicInteger();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** An agent whose tool never answers: the call is in flight when the agent restarts. */
  private EventSourcedBehaviorTestKit<AgentCommand, WorkerAgent.Event, WorkerState> agent(
      ToolEffect effect) {
    return agent(effect, new CompletableFuture<>());
  }

  /** An agent whose tool answers every call with {@code answer}. */
  private EventSourcedBehaviorTestKit<AgentCommand, WorkerAgent.Event, WorkerState> agent(
      ToolEffect effect, CompletableFuture<ActionResult> answer) {
    AgentManifest manifest =
        new AgentManifest(
            AgentId.of("test.tool-" + effect.wire() + "-" + System.nanoTime()),
            Set.of("refund"),
            Set.of(),
            4,
            0,
            "local",
            Map.of(
                "refund",
                new ToolSpec("Refunds an order.", JsonNodeFactory.instance.objectNode(), effect)));
    return EventSourcedBehaviorTestKit.create(
        testKit.system(),
        WorkerAgent.create(
            manifest,
            (request, context) -> {
              calls.incrementAndGet();
              return answer;
            },
            WorkerAgentTest.SETTINGS,
            Clock.systemUTC()));
  }

  private static Assignment call() {
    return new Assignment(
        RunId.of("run-1"),
        "agent.t1.c1",
        1,
        null,
        "refund",
        null,
        Budget.UNLIMITED,
        60_000,
        JsonNodeFactory.instance.objectNode().put("order", 7),
        TenantId.DEFAULT);
  }

  private void assign(
      EventSourcedBehaviorTestKit<AgentCommand, WorkerAgent.Event, WorkerState> agent) {
    agent.runCommand(new AgentCommand.Assign(call(), dispatcher.ref()));
  }

  @Test
  void anUnsafeCallThatStartedBeforeARestartIsNotRunAgainAndItsOutcomeIsUnknown() {
    var agent = agent(ToolEffect.UNSAFE);
    assign(agent);
    dispatcher.expectMessageClass(AgentReply.Accepted.class);
    awaitCalls(1);
    assertThat(agent.getState().startedUnsafe(call().idempotencyKey())).isTrue();

    agent.restart();
    assign(agent);
    StepOutcome outcome =
        dispatcher
            .expectMessageClass(AgentReply.Finished.class, Duration.ofSeconds(5))
            .result()
            .outcome();
    assertThat(outcome).isInstanceOf(StepOutcome.Failed.class);
    assertThat(((StepOutcome.Failed) outcome).error().errorClass())
        .isEqualTo(ErrorClass.UNKNOWN_OUTCOME);
    assertThat(calls).hasValue(1);
    // Recorded: it stays unknown, and is answered the same, until a person decides.
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(5),
            () -> {
              assertThat(agent.getState().result(call().idempotencyKey())).isPresent();
              assertThat(agent.getState().startedUnsafe(call().idempotencyKey())).isFalse();
              return null;
            });
  }

  @Test
  void anIdempotentCallIsRunAgainAfterARestart() {
    var agent = agent(ToolEffect.IDEMPOTENT);
    assign(agent);
    dispatcher.expectMessageClass(AgentReply.Accepted.class);
    agent.restart();
    assign(agent);
    dispatcher.expectMessageClass(AgentReply.Accepted.class);
    awaitCalls(2);
  }

  /** The action starts on a thread of its own, maybe after the agent's reply. */
  private void awaitCalls(int expected) {
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(5),
            () -> {
              assertThat(calls).hasValue(expected);
              return null;
            });
  }

  @Test
  void anUnsafeCallThatTimedOutHasAnUnknownOutcomeWhileAnIdempotentOneTimesOut() {
    for (ToolEffect effect : List.of(ToolEffect.UNSAFE, ToolEffect.IDEMPOTENT)) {
      var agent =
          agent(
              effect,
              CompletableFuture.failedFuture(
                  new ActionException(ErrorClass.TIMEOUT, "no answer within 10 ms")));
      assign(agent);
      StepOutcome.Failed failed = (StepOutcome.Failed) finished().result().outcome();
      assertThat(failed.error().errorClass())
          .as("%s tool", effect)
          .isEqualTo(effect == ToolEffect.UNSAFE ? ErrorClass.UNKNOWN_OUTCOME : ErrorClass.TIMEOUT);
      assertThat(failed.error().message()).contains("no answer within 10 ms");
    }
  }

  /** The next Finished reply the dispatcher gets, past its Accepted. */
  private AgentReply.Finished finished() {
    List<AgentReply> replies =
        dispatcher.fishForMessage(
            Duration.ofSeconds(5),
            reply ->
                reply instanceof AgentReply.Finished
                    ? FishingOutcomes.complete()
                    : FishingOutcomes.continueAndIgnore());
    return (AgentReply.Finished) replies.get(replies.size() - 1);
  }
}
