package dev.lattice.worker.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.AgentManifest;
import dev.lattice.protocol.agent.AgentReply;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.BudgetScope;
import dev.lattice.protocol.agent.Drained;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.json.PayloadLimits;
import dev.lattice.protocol.log.LogLevel;
import dev.lattice.protocol.log.LogLine;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.protocol.redact.Redactor;
import dev.lattice.protocol.session.MemoryPolicy;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import dev.lattice.worker.action.ShellSettings;
import dev.lattice.worker.action.WorkspaceSettings;
import dev.lattice.worker.action.http.HttpSettings;
import dev.lattice.worker.action.llm.DeltaSettings;
import dev.lattice.worker.action.llm.LlmSettings;
import dev.lattice.worker.action.llm.PromptEstimate;
import dev.lattice.worker.action.llm.SessionSettings;
import dev.lattice.worker.action.llm.StructuredOutputSettings;
import dev.lattice.worker.action.retrieval.RetrievalSettings;
import dev.lattice.worker.secret.SecretSettings;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class WorkerAgentTest {
  /** An action dispatcher small enough for a test machine. */
  static final Config CONFIG =
      ConfigFactory.parseString(
              "lattice.worker.action-dispatcher { type = Dispatcher, executor ="
                  + " thread-pool-executor, thread-pool-executor.fixed-pool-size = 4 }")
          .withFallback(EventSourcedBehaviorTestKit.config());

  private static final ActorTestKit testKit = ActorTestKit.create(CONFIG);
  static final WorkerSettings SETTINGS =
      settings(new BreakerSettings(true, 5, Duration.ofSeconds(30), 2.0, Duration.ofMinutes(5)));

  /** Worker settings for tests, with {@code breaker}. */
  static WorkerSettings settings(BreakerSettings breaker) {
    return new WorkerSettings(
        "test",
        List.of(),
        100,
        1000,
        "lattice.worker.action-dispatcher",
        new ShellSettings(Set.of(), Path.of("."), 1024, Set.of(), Set.of()),
        Duration.ofMillis(10),
        100,
        4,
        breaker,
        // Long enough that a test thread slowed by a busy machine still takes the slot held for it
        // (200 ms was not); the test of a lapsing hold waits for it.
        Duration.ofSeconds(2),
        Duration.ofSeconds(20),
        new PayloadLimits(8, 1000),
        new LlmSettings(
            Map.of(),
            Map.of(),
            1024,
            1 << 20,
            new StructuredOutputSettings(2, 10, 10, 300, 500),
            new PromptEstimate(1, 8, 16, 16, 600),
            new DeltaSettings(Duration.ofMillis(10), 4096),
            new SessionSettings(MemoryPolicy.Kind.WINDOW, 40, 10, 500, "Summarise.", 512, "")),
        Map.of(),
        HttpSettings.create(ConfigFactory.defaultReference().getConfig("lattice.http")),
        SecretSettings.of(null),
        WorkspaceSettings.create(
            ConfigFactory.defaultReference().getConfig("lattice.worker.workspace")),
        RetrievalSettings.create(ConfigFactory.defaultReference()),
        Redactor.fromConfig(ConfigFactory.defaultReference()),
        new RunLogLimits(5, 1000, 100));
  }

  private final AtomicInteger runs = new AtomicInteger();
  private final TestProbe<AgentReply> dispatcher = testKit.createTestProbe();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private EventSourcedBehaviorTestKit<AgentCommand, WorkerAgent.Event, WorkerState> agent(
      int maxConcurrent, AgentAction action) {
    AgentManifest manifest =
        new AgentManifest(
            AgentId.of("test.agent-" + runs.incrementAndGet() + "-" + System.nanoTime()),
            Set.of("echo"),
            Set.of(),
            maxConcurrent,
            0,
            "local");
    AgentAction counted =
        (request, context) -> {
          runs.incrementAndGet();
          return action.execute(request, context);
        };
    return EventSourcedBehaviorTestKit.create(
        testKit.system(), WorkerAgent.create(manifest, counted, SETTINGS, Clock.systemUTC()));
  }

  private static Assignment assignment(String step, long ttlMs, Budget budget) {
    ObjectNode input = JsonNodeFactory.instance.objectNode().put("step", step);
    return new Assignment(
        RunId.of("run-1"), step, 1, null, "echo", null, budget, ttlMs, input, TenantId.DEFAULT);
  }

  private static AgentAction echo() {
    return (request, context) ->
        CompletableFuture.completedFuture(ActionResult.of(request.input()));
  }

  private StepOutcome finish(
      EventSourcedBehaviorTestKit<AgentCommand, WorkerAgent.Event, WorkerState> agent,
      Assignment assignment) {
    agent.runCommand(new AgentCommand.Assign(assignment, dispatcher.ref()));
    dispatcher.expectMessageClass(AgentReply.Accepted.class);
    return dispatcher
        .expectMessageClass(AgentReply.Finished.class, Duration.ofSeconds(5))
        .result()
        .outcome();
  }

  /** Waits until {@code agent} has recorded the result of {@code assignment}. */
  private static void awaitRecorded(
      EventSourcedBehaviorTestKit<AgentCommand, WorkerAgent.Event, WorkerState> agent,
      Assignment assignment) {
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(5),
            () -> {
              assertThat(agent.getState().result(assignment.idempotencyKey())).isPresent();
              return null;
            });
  }

  @Test
  void runsTheActionAndAnswersWithItsOutput() {
    var agent = agent(4, echo());
    Assignment a = assignment("s1", 5000, Budget.UNLIMITED);
    StepOutcome outcome = finish(agent, a);
    assertThat(outcome).isEqualTo(StepOutcome.succeeded(a.input(), Usage.NONE));
  }

  @Test
  void anOutputPastThePayloadLimitsFailsAsMalformedAndIsRecordedAsSuch() {
    var agent =
        agent(
            4,
            (request, context) -> {
              if (!request.input().path("step").asText().equals("s1")) {
                return CompletableFuture.completedFuture(ActionResult.of(request.input()));
              }
              ObjectNode deep = JsonNodeFactory.instance.objectNode();
              ObjectNode level = deep;
              for (int i = 0; i < 1100; i++) {
                level = level.putObject("n");
              }
              return CompletableFuture.completedFuture(ActionResult.of(deep));
            });
    Assignment a = assignment("s1", 5000, Budget.UNLIMITED);
    StepOutcome outcome = finish(agent, a);
    assertThat(outcome)
        .isEqualTo(
            StepOutcome.failed(
                ErrorClass.MALFORMED_OUTPUT,
                "the action's output nests deeper than 8 levels (lattice.payload.max-depth)",
                Usage.NONE));
    // Its record is written (and read back by the test kit): the agent goes on.
    awaitRecorded(agent, a);
    assertThat(finish(agent, assignment("s2", 5000, Budget.UNLIMITED)))
        .isInstanceOf(StepOutcome.Succeeded.class);
  }

  @Test
  void aFailureMessageLongerThanAPayloadMayBeIsCut() {
    var agent =
        agent(
            4,
            (request, context) ->
                CompletableFuture.failedFuture(
                    new ActionException(ErrorClass.AGENT_ERROR, "x".repeat(5000))));
    StepOutcome outcome = finish(agent, assignment("s1", 5000, Budget.UNLIMITED));
    String message = ((StepOutcome.Failed) outcome).error().message();
    assertThat(message).hasSize(1000).endsWith("... (truncated)");
  }

  @Test
  void aRepeatedAssignmentIsAnsweredFromTheRecordNotRunAgain() {
    var agent = agent(4, echo());
    Assignment a = assignment("s1", 5000, Budget.UNLIMITED);
    finish(agent, a);
    int before = runs.get();
    // After the record is written, even a restarted agent answers from it.
    awaitRecorded(agent, a);
    agent.restart();
    agent.runCommand(new AgentCommand.Assign(a, dispatcher.ref()));
    AgentReply.Finished again = dispatcher.expectMessageClass(AgentReply.Finished.class);
    assertThat(again.result().outcome()).isEqualTo(StepOutcome.succeeded(a.input(), Usage.NONE));
    assertThat(runs.get()).isEqualTo(before);
  }

  @Test
  void aBusyAgentRejectsMoreThanItsCapacity() {
    CompletableFuture<ActionResult> never = new CompletableFuture<>();
    var agent = agent(1, (request, context) -> never);
    agent.runCommand(
        new AgentCommand.Assign(assignment("s1", 60_000, Budget.UNLIMITED), dispatcher.ref()));
    assertThat(dispatcher.expectMessageClass(AgentReply.Accepted.class).load()).isEqualTo(1);
    agent.runCommand(
        new AgentCommand.Assign(assignment("s2", 60_000, Budget.UNLIMITED), dispatcher.ref()));
    AgentReply.Rejected rejected = dispatcher.expectMessageClass(AgentReply.Rejected.class);
    assertThat(rejected.reason()).isEqualTo("busy");
    never.complete(ActionResult.of(JsonNodeFactory.instance.nullNode()));
  }

  @Test
  void aFreedSlotGoesToTheNextInLineNotBackToTheSenderWhoseWorkFinished() {
    var steps = new ConcurrentHashMap<String, CompletableFuture<ActionResult>>();
    var agent =
        agent(
            1,
            (request, context) ->
                steps.computeIfAbsent(
                    request.input().get("step").asText(), s -> new CompletableFuture<>()));
    TestProbe<AgentReply> heavy = testKit.createTestProbe();
    TestProbe<AgentReply> light = testKit.createTestProbe();
    assign(agent, "h1", heavy);
    heavy.expectMessageClass(AgentReply.Accepted.class);
    assign(agent, "l1", light);
    light.expectMessageClass(AgentReply.Rejected.class);
    assign(agent, "h2", heavy);
    heavy.expectMessageClass(AgentReply.Rejected.class);

    steps.computeIfAbsent("h1", s -> new CompletableFuture<>()).complete(done());
    // The slot is light's now: heavy hears it full, light is offered it.
    assertThat(heavy.expectMessageClass(AgentReply.Finished.class, Duration.ofSeconds(5)).load())
        .isEqualTo(1);
    assertThat(light.expectMessageClass(AgentReply.Vacancy.class).load()).isZero();
    assign(agent, "h2", heavy);
    heavy.expectMessageClass(AgentReply.Rejected.class);
    assign(agent, "l1", light);
    light.expectMessageClass(AgentReply.Accepted.class);

    // Light's work ends: heavy, waiting since, is offered the slot and light queues behind it.
    steps.computeIfAbsent("l1", s -> new CompletableFuture<>()).complete(done());
    light.expectMessageClass(AgentReply.Finished.class, Duration.ofSeconds(5));
    heavy.expectMessageClass(AgentReply.Vacancy.class);
    // Heavy gives it back: it goes to light, the next in line.
    agent.runCommand(new AgentCommand.Release(heavy.ref()));
    light.expectMessageClass(AgentReply.Vacancy.class);
    light.expectNoMessage(Duration.ofMillis(50));

    // Light does not answer: its hold lapses and the slot is free for anyone again.
    assign(agent, "h3", heavy);
    heavy.expectMessageClass(AgentReply.Rejected.class);
    AgentReply.Vacancy lapsed =
        heavy.expectMessageClass(AgentReply.Vacancy.class, Duration.ofSeconds(5));
    assertThat(lapsed.load()).isZero();
    assign(agent, "h3", heavy);
    heavy.expectMessageClass(AgentReply.Accepted.class);
    steps.computeIfAbsent("h3", s -> new CompletableFuture<>()).complete(done());
  }

  @Test
  void aLeavingAgentTakesNoMoreWorkAndSaysSoOnceItsWorkInFlightHasFinished() {
    CompletableFuture<ActionResult> running = new CompletableFuture<>();
    var agent = agent(4, (request, context) -> running);
    TestProbe<Drained> leaving = testKit.createTestProbe();
    assign(agent, "s1", dispatcher);
    dispatcher.expectMessageClass(AgentReply.Accepted.class);

    agent.runCommand(new AgentCommand.Drain(leaving.ref()));
    assign(agent, "s2", dispatcher);
    assertThat(dispatcher.expectMessageClass(AgentReply.Rejected.class).reason())
        .isEqualTo("leaving");
    leaving.expectNoMessage(Duration.ofMillis(100));

    running.complete(done());
    dispatcher.expectMessageClass(AgentReply.Finished.class, Duration.ofSeconds(5));
    assertThat(leaving.receiveMessage(Duration.ofSeconds(5)).agentId().value())
        .startsWith("test.agent-");
  }

  private static void assign(
      EventSourcedBehaviorTestKit<AgentCommand, WorkerAgent.Event, WorkerState> agent,
      String step,
      TestProbe<AgentReply> sender) {
    agent.runCommand(
        new AgentCommand.Assign(assignment(step, 60_000, Budget.UNLIMITED), sender.ref()));
  }

  private static ActionResult done() {
    return ActionResult.of(JsonNodeFactory.instance.nullNode());
  }

  @Test
  void anAttemptPastItsTtlFailsWithTimeout() {
    var agent = agent(1, (request, context) -> new CompletableFuture<>());
    StepOutcome outcome = finish(agent, assignment("slow", 100, Budget.UNLIMITED));
    assertThat(outcome).isInstanceOf(StepOutcome.Failed.class);
    assertThat(((StepOutcome.Failed) outcome).error().errorClass()).isEqualTo(ErrorClass.TIMEOUT);
  }

  @Test
  void anAttemptOverItsBudgetFailsWithBudgetExceeded() {
    var agent =
        agent(
            1,
            (request, context) ->
                CompletableFuture.completedFuture(
                    ActionResult.of(
                        request.input(), new Usage("m", 900, 200, new BigDecimal("0.02")))));
    StepOutcome outcome = finish(agent, assignment("llm", 5000, new Budget(1000L, null)));
    StepOutcome.Failed failed = (StepOutcome.Failed) outcome;
    assertThat(failed.error().errorClass()).isEqualTo(ErrorClass.BUDGET_EXCEEDED);
    assertThat(failed.error().message()).startsWith("step budget exceeded: 1100 tokens of 1000");
    assertThat(failed.error().budget().scope()).isEqualTo(BudgetScope.STEP);
    assertThat(failed.error().budget().limit().maxTokens()).isEqualTo(1000L);
    assertThat(failed.error().budget().requested().tokens()).isEqualTo(1100);
    assertThat(failed.usage().totalTokens()).isEqualTo(1100);
  }

  @Test
  void anActionsErrorClassIsKept() {
    var agent =
        agent(
            1,
            (request, context) ->
                CompletableFuture.failedFuture(
                    new ActionException(ErrorClass.RATE_LIMITED, "slow down")));
    StepOutcome.Failed failed =
        (StepOutcome.Failed) finish(agent, assignment("s", 5000, Budget.UNLIMITED));
    assertThat(failed.error()).isEqualTo(StepError.of(ErrorClass.RATE_LIMITED, "slow down"));
  }

  @Test
  void anActionThatThrowsFailsWithAgentError() {
    var agent =
        agent(
            1,
            (request, context) -> {
              throw new IllegalStateException("bug");
            });
    StepOutcome.Failed failed =
        (StepOutcome.Failed) finish(agent, assignment("s", 5000, Budget.UNLIMITED));
    assertThat(failed.error().errorClass()).isEqualTo(ErrorClass.AGENT_ERROR);
    assertThat(failed.error().message()).isEqualTo("IllegalStateException: bug");
  }

  @Test
  void answersWithItsManifest() {
    var agent = agent(3, echo());
    TestProbe<AgentManifest> probe = testKit.createTestProbe();
    agent.runCommand(new AgentCommand.GetManifest(probe.ref()));
    assertThat(probe.receiveMessage().maxConcurrent()).isEqualTo(3);
  }

  @Test
  void aCancelledAttemptFinishesAtOnceAndItsActionLearnsItFromItsHeartbeat() throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    var agent =
        agent(
            4,
            (request, context) ->
                CompletableFuture.supplyAsync(
                    () -> {
                      while (context.heartbeat(request)) {
                        Thread.onSpinWait();
                      }
                      stopped.countDown();
                      return ActionResult.of(request.input());
                    },
                    context.executor()));
    Assignment a =
        new Assignment(
            RunId.of("run-1"),
            "long",
            1,
            null,
            "echo",
            null,
            Budget.UNLIMITED,
            60_000,
            JsonNodeFactory.instance.objectNode(),
            TenantId.DEFAULT,
            400L);
    agent.runCommand(new AgentCommand.Assign(a, dispatcher.ref()));
    dispatcher.expectMessageClass(AgentReply.Accepted.class);
    // The action beats as fast as it can; the agent passes on a few per timeout, not all.
    dispatcher.expectMessageClass(AgentReply.Alive.class, Duration.ofSeconds(5));
    agent.runCommand(new AgentCommand.Cancel(a.idempotencyKey()));
    AgentReply reply = dispatcher.receiveMessage(Duration.ofSeconds(5));
    while (reply instanceof AgentReply.Alive) {
      reply = dispatcher.receiveMessage(Duration.ofSeconds(5));
    }
    AgentReply.Finished finished = (AgentReply.Finished) reply;
    assertThat(finished.result().outcome())
        .isInstanceOf(StepOutcome.Failed.class)
        .extracting(o -> ((StepOutcome.Failed) o).error().errorClass())
        .isEqualTo(ErrorClass.CANCELLED);
    assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
    // What the action returned after its cancellation is not a second result.
    dispatcher.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void whatTheActionWroteGoesWithTheResultHeldToTheLimitsAndNotIntoTheRecord() {
    AgentAction chatty =
        (request, context) -> {
          for (int i = 1; i <= 8; i++) {
            context.log(request).info("line " + i);
          }
          context.log(request).warn("x".repeat(150));
          return CompletableFuture.completedFuture(ActionResult.of(request.input()));
        };
    var agent = agent(4, chatty);
    Assignment a = assignment("logged", 5000, Budget.UNLIMITED);
    agent.runCommand(new AgentCommand.Assign(a, dispatcher.ref()));
    dispatcher.expectMessageClass(AgentReply.Accepted.class);
    AgentReply.Finished finished =
        dispatcher.expectMessageClass(AgentReply.Finished.class, Duration.ofSeconds(5));

    // Five lines at most (RunLogLimits(5, 1000, 100)), then one that counts the rest.
    assertThat(finished.log())
        .extracting(LogLine::message)
        .containsExactly(
            "line 1",
            "line 2",
            "line 3",
            "line 4",
            "line 5",
            "truncated 4 lines (lattice.worker.run-log: at most 5 lines and 1000 bytes per"
                + " attempt)");
    assertThat(finished.log().get(5).level()).isEqualTo(LogLevel.WARN);

    // A repeat is answered from the record, which holds the result and never the log.
    awaitRecorded(agent, a);
    agent.runCommand(new AgentCommand.Assign(a, dispatcher.ref()));
    AgentReply.Finished again = dispatcher.expectMessageClass(AgentReply.Finished.class);
    assertThat(again.result()).isEqualTo(finished.result());
    assertThat(again.log()).isEmpty();
  }
}
