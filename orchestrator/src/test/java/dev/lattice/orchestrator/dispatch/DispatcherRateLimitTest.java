package dev.lattice.orchestrator.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.directory.AgentDirectory;
import dev.lattice.orchestrator.directory.AgentEntry;
import dev.lattice.orchestrator.guard.Guardrails;
import dev.lattice.orchestrator.policy.PolicySettings;
import dev.lattice.orchestrator.ratelimit.LimitedModel;
import dev.lattice.orchestrator.ratelimit.ProviderLimiter;
import dev.lattice.orchestrator.ratelimit.ProviderLimiters;
import dev.lattice.orchestrator.ratelimit.RateLimitServices;
import dev.lattice.orchestrator.ratelimit.RateLimitSettings;
import dev.lattice.orchestrator.tenant.TenantLedgers;
import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.AgentManifest;
import dev.lattice.protocol.agent.AgentReply;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.BusKey;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.worker.action.llm.LlmSettings;
import dev.lattice.worker.action.llm.LlmTargets;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A dispatcher keeping to a provider's rate limit: an llm attempt waits in its queue until its
 * model's limiter grants room (asked only while an agent could take it), room it cannot use in time
 * goes back, and what it used is settled.
 */
class DispatcherRateLimitTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config());
  private static final String REASON = "rate_limited: provider local model m (2 rpm)";
  private static final LimitedModel MODEL = new LimitedModel("local", "m");
  private static final Config CONFIG =
      ConfigFactory.parseString(
              """
              lattice.llm.providers.local {
                base-url = "http://127.0.0.1:1/v1", models = [m], limits.requests-per-minute = 2
              }
              """)
          .withFallback(ConfigFactory.defaultReference());

  private final TestProbe<AgentDirectory.Command> directory = testKit.createTestProbe();
  private final BusKey busKey = new BusKey("agent", "llm", 0, TenantId.of("t" + System.nanoTime()));
  private final ConcurrentLinkedQueue<String> limiterCalls = new ConcurrentLinkedQueue<>();
  private volatile ActorRef<ProviderLimiter.Answer> answers;
  private final ProviderLimiters limiters =
      new ProviderLimiters() {
        @Override
        public void acquire(
            LimitedModel model,
            String key,
            int requests,
            long tokens,
            ActorRef<ProviderLimiter.Answer> reply) {
          answers = reply;
          limiterCalls.add(
              "acquire " + model.entityId() + " " + key + " " + requests + " " + tokens);
        }

        @Override
        public void release(LimitedModel model, String key) {
          limiterCalls.add("release " + key);
        }

        @Override
        public void settle(LimitedModel model, String key, int requests, long tokens) {
          limiterCalls.add("settle " + key + " " + requests + " " + tokens);
        }
      };
  private ActorRef<Dispatcher.Command> dispatcher;
  private ActorRef<AgentDirectory.Agents> agentsOf;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void start() {
    RunNotifier runs =
        new RunNotifier() {
          @Override
          public void started(RunId runId, String stepId, int attempt, AgentId agentId) {}

          @Override
          public void heartbeat(RunId runId, String stepId, int attempt) {}

          @Override
          public void finished(AssignmentResult result) {}

          @Override
          public void stillWanted(Assignment assignment, BusKey at) {
            dispatcher.tell(new Dispatcher.Enqueue(assignment));
          }
        };
    TenantLedgers noLedgers = null;
    dispatcher =
        testKit.spawn(
            Dispatcher.create(
                busKey,
                new DispatchServices(
                    DispatchSettings.create(CONFIG),
                    directory.ref(),
                    runs,
                    new DispatchPolicy(PolicySettings.create(CONFIG)),
                    noLedgers,
                    "local",
                    Clock.systemUTC(),
                    new RateLimitServices(
                        new LlmTargets(
                            LlmSettings.create(CONFIG.getConfig("lattice.llm")), Set.of()),
                        limiters,
                        RateLimitSettings.create(CONFIG)),
                    Guardrails.NONE)));
    agentsOf = directory.expectMessageClass(AgentDirectory.Subscribe.class).subscriber();
  }

  @Test
  void anLlmAttemptWaitsInItsQueueUntilItsLimiterGrantsRoom() {
    TestProbe<AgentCommand> agent = agent(2);
    Assignment first = assignment("a");

    dispatcher.tell(new Dispatcher.Enqueue(first));

    // "hello world!" is three tokens, and the answer may take five more.
    awaitCalls("acquire local/m run-1/a/1 1 8");
    agent.expectNoMessage(Duration.ofMillis(200));
    answers.tell(new ProviderLimiter.Waiting(MODEL, first.idempotencyKey(), REASON));
    awaitWaiting(Map.of(REASON, 1));

    answers.tell(new ProviderLimiter.Granted(MODEL, first.idempotencyKey(), null));

    AgentCommand.Assign assign = (AgentCommand.Assign) agent.receiveMessage();
    assertThat(assign.assignment().idempotencyKey()).isEqualTo(first.idempotencyKey());
    awaitWaiting(Map.of());
    assign.replyTo().tell(finished(first, new Usage("m", 30, 12, BigDecimal.ZERO)));
    awaitCalls("acquire local/m run-1/a/1 1 8", "settle run-1/a/1 1 42");
  }

  @Test
  void roomNotUsedWithinItsHoldIsGivenBackAndAskedForAgainOnceAnAgentIsFree() {
    TestProbe<AgentCommand> agent = agent(1);
    Assignment first = assignment("a");
    Assignment second = assignment("b");
    dispatcher.tell(new Dispatcher.Enqueue(first));
    dispatcher.tell(new Dispatcher.Enqueue(second));
    awaitCalls("acquire local/m run-1/a/1 1 8", "acquire local/m run-1/b/1 1 8");
    answers.tell(new ProviderLimiter.Granted(MODEL, first.idempotencyKey(), null));
    AgentCommand.Assign assign = (AgentCommand.Assign) agent.receiveMessage();

    // The one agent is full: the second's room, granted now, cannot be used and goes back.
    answers.tell(new ProviderLimiter.Granted(MODEL, second.idempotencyKey(), null));
    awaitCalls(
        "acquire local/m run-1/a/1 1 8", "acquire local/m run-1/b/1 1 8", "release run-1/b/1");

    assign.replyTo().tell(finished(first, Usage.NONE));
    awaitCalls(
        "acquire local/m run-1/a/1 1 8",
        "acquire local/m run-1/b/1 1 8",
        "release run-1/b/1",
        "settle run-1/a/1 1 0",
        "acquire local/m run-1/b/1 1 8");
  }

  @Test
  void anAttemptItsAgentTurnsAwayGivesItsRoomBackAndAsksAgainWhenSentAgain() {
    TestProbe<AgentCommand> agent = agent(2);
    Assignment first = assignment("a");
    dispatcher.tell(new Dispatcher.Enqueue(first));
    awaitCalls("acquire local/m run-1/a/1 1 8");
    answers.tell(new ProviderLimiter.Granted(MODEL, first.idempotencyKey(), null));
    AgentCommand.Assign assign = (AgentCommand.Assign) agent.receiveMessage();

    assign
        .replyTo()
        .tell(new AgentReply.Rejected(first.idempotencyKey(), AgentId.of("llm-1"), "busy", 2));

    // Its request was never made: the room goes back, and it asks anew when it can go again.
    awaitCalls(
        "acquire local/m run-1/a/1 1 8", "release run-1/a/1", "acquire local/m run-1/a/1 1 8");
  }

  @Test
  void roomGrantedForAnAttemptTakenBackIsGivenBack() {
    agent(1);
    Assignment first = assignment("a");
    dispatcher.tell(new Dispatcher.Enqueue(first));
    awaitCalls("acquire local/m run-1/a/1 1 8");

    dispatcher.tell(new Dispatcher.Withdraw(first.idempotencyKey()));
    awaitCalls("acquire local/m run-1/a/1 1 8", "release run-1/a/1");
    answers.tell(new ProviderLimiter.Granted(MODEL, first.idempotencyKey(), null));

    awaitCalls("acquire local/m run-1/a/1 1 8", "release run-1/a/1", "release run-1/a/1");
  }

  private TestProbe<AgentCommand> agent(int capacity) {
    TestProbe<AgentCommand> probe = testKit.createTestProbe();
    agentsOf.tell(
        new AgentDirectory.Agents(
            List.of(
                new AgentEntry(
                    new AgentManifest(
                        AgentId.of("llm-1"), Set.of("llm"), Set.of(), capacity, 0, "local"),
                    probe.ref()))));
    return probe;
  }

  private static Assignment assignment(String step) {
    return new Assignment(
        RunId.of("run-1"),
        step,
        1,
        null,
        "llm",
        null,
        null,
        10_000,
        json("{\"model\": \"m\", \"prompt\": \"hello world!\", \"maxTokens\": 5}"),
        TenantId.DEFAULT);
  }

  private static AgentReply.Finished finished(Assignment assignment, Usage usage) {
    return new AgentReply.Finished(
        AssignmentResult.of(
            assignment,
            AgentId.of("llm-1"),
            new StepOutcome.Succeeded(json("{\"text\": \"hi\"}"), usage)),
        0);
  }

  private void awaitCalls(String... calls) {
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertThat(limiterCalls).containsExactly(calls);
              return null;
            });
  }

  private void awaitWaiting(Map<String, Integer> waiting) {
    TestProbe<dev.lattice.protocol.api.QueueView> views = testKit.createTestProbe();
    views.awaitAssert(
        () -> {
          dispatcher.tell(new Dispatcher.GetQueue(views.ref()));
          assertThat(views.receiveMessage().waiting()).isEqualTo(waiting);
          return null;
        });
  }

  private static JsonNode json(String text) {
    try {
      return LatticeJson.mapper().readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
