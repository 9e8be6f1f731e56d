package dev.lattice.worker.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lattice.protocol.agent.AgentBreakers;
import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.AgentManifest;
import dev.lattice.protocol.agent.AgentReply;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.BreakerState;
import dev.lattice.protocol.agent.BreakerStatus;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An agent's circuit breakers through the agent itself: they trip after consecutive failures,
 * refuse with a typed rejection during the cool-down, let one probe through after it, and tell
 * their watchers every change.
 */
class WorkerAgentBreakerTest {
  private static final ActorTestKit testKit = ActorTestKit.create(WorkerAgentTest.CONFIG);
  private static final Duration COOL_DOWN = Duration.ofMillis(400);
  private static final int MAX_FAILURES = 3;
  private static final WorkerSettings SETTINGS =
      WorkerAgentTest.settings(
          new BreakerSettings(true, MAX_FAILURES, COOL_DOWN, 2.0, Duration.ofSeconds(5)));
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final TestProbe<AgentReply> dispatcher = testKit.createTestProbe();
  private final TestProbe<AgentBreakers> watcher = testKit.createTestProbe();
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger steps = new AtomicInteger();
  private final CompletableFuture<ActionResult> held = new CompletableFuture<>();
  private EventSourcedBehaviorTestKit<AgentCommand, WorkerAgent.Event, WorkerState> agent;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** Fails with the error class named by {@code input.fail}, waits when asked, or echoes. */
  private final AgentAction action =
      (request, context) -> {
        started.incrementAndGet();
        String fail = request.input().path("fail").asText(null);
        if (fail != null) {
          return CompletableFuture.failedFuture(
              new ActionException(ErrorClass.fromWire(fail), "failing on purpose"));
        }
        if (request.input().path("hold").asBoolean()) {
          return held;
        }
        return CompletableFuture.completedFuture(ActionResult.of(request.input()));
      };

  @BeforeEach
  void start() {
    AgentManifest manifest =
        new AgentManifest(
            AgentId.of("test.breaker-" + System.nanoTime()),
            Set.of("echo"),
            Set.of("m1", "m2"),
            4,
            0,
            "local");
    agent =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), WorkerAgent.create(manifest, action, SETTINGS, Clock.systemUTC()));
    agent.runCommand(new AgentCommand.WatchBreakers(watcher.ref()));
    AgentBreakers first = watcher.receiveMessage(WAIT);
    assertThat(first.agent().state()).isEqualTo(BreakerState.CLOSED);
    assertThat(first.models().keySet()).containsExactly("m1", "m2");
  }

  private Assignment assignment(String model, String inputJson) {
    try {
      return new Assignment(
          RunId.of("run-1"),
          "s" + steps.incrementAndGet(),
          1,
          null,
          "echo",
          model,
          Budget.UNLIMITED,
          5000,
          new ObjectMapper().readTree(inputJson),
          TenantId.DEFAULT);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private AgentReply send(Assignment assignment) {
    agent.runCommand(new AgentCommand.Assign(assignment, dispatcher.ref()));
    return dispatcher.receiveMessage(WAIT);
  }

  /** Runs {@code assignment} to its end and returns its outcome. */
  private StepOutcome run(Assignment assignment) {
    assertThat(send(assignment)).isInstanceOf(AgentReply.Accepted.class);
    return dispatcher.expectMessageClass(AgentReply.Finished.class, WAIT).result().outcome();
  }

  private void failTimes(int n, String model, ErrorClass errorClass) {
    for (int i = 0; i < n; i++) {
      run(assignment(model, "{\"fail\": \"" + errorClass.wire() + "\"}"));
    }
  }

  /** The next report in which {@code breakerOf} of the report is in {@code state}. */
  private AgentBreakers awaitReport(
      Function<AgentBreakers, BreakerStatus> breakerOf, BreakerState state) {
    return watcher
        .fishForMessage(
            WAIT,
            report ->
                breakerOf.apply(report).state() == state
                    ? FishingOutcomes.complete()
                    : FishingOutcomes.continueAndIgnore())
        .get(0);
  }

  private static AgentReply.Rejected refused(AgentReply reply) {
    assertThat(reply).isInstanceOf(AgentReply.Rejected.class);
    AgentReply.Rejected rejected = (AgentReply.Rejected) reply;
    assertThat(rejected.breaker()).as(rejected.reason()).isNotNull();
    return rejected;
  }

  @Test
  void tripsAfterConsecutiveFailuresRefusesDuringTheCoolDownAndClosesAfterASuccessfulProbe() {
    failTimes(MAX_FAILURES, null, ErrorClass.AGENT_ERROR);
    AgentBreakers open = awaitReport(AgentBreakers::agent, BreakerState.OPEN);
    assertThat(open.agent().consecutiveFailures()).isEqualTo(MAX_FAILURES);
    assertThat(Duration.between(open.agent().since(), open.agent().openUntil()))
        .isEqualTo(COOL_DOWN);

    // During the cool-down nothing reaches the action: the refusal names the breaker.
    int before = started.get();
    AgentReply.Rejected rejected = refused(send(assignment(null, "{}")));
    assertThat(rejected.breaker().model()).isNull();
    assertThat(rejected.breaker().retryAfterMs()).isPositive().isLessThanOrEqualTo(400);
    assertThat(rejected.reason()).contains("circuit breaker");
    assertThat(started.get()).isEqualTo(before);

    // After it, the breaker says it is half-open, and exactly one assignment goes through.
    awaitReport(AgentBreakers::agent, BreakerState.HALF_OPEN);
    assertThat(send(assignment(null, "{\"hold\": true}"))).isInstanceOf(AgentReply.Accepted.class);
    assertThat(refused(send(assignment(null, "{}"))).breaker().retryAfterMs()).isZero();
    assertThat(started.get()).isEqualTo(before + 1);

    held.complete(ActionResult.of(JsonNodeFactory.instance.objectNode()));
    dispatcher.expectMessageClass(AgentReply.Finished.class, WAIT);
    AgentBreakers closed = awaitReport(AgentBreakers::agent, BreakerState.CLOSED);
    assertThat(closed.agent().consecutiveFailures()).isZero();
    assertThat(run(assignment(null, "{}"))).isInstanceOf(StepOutcome.Succeeded.class);
  }

  @Test
  void aFailedProbeOpensTheBreakerAgainForALongerCoolDown() {
    failTimes(MAX_FAILURES, null, ErrorClass.TIMEOUT);
    awaitReport(AgentBreakers::agent, BreakerState.HALF_OPEN);
    failTimes(1, null, ErrorClass.RATE_LIMITED);
    AgentBreakers again = awaitReport(AgentBreakers::agent, BreakerState.OPEN);
    assertThat(again.agent().consecutiveFailures()).isEqualTo(MAX_FAILURES + 1);
    assertThat(Duration.between(again.agent().since(), again.agent().openUntil()))
        .isEqualTo(COOL_DOWN.multipliedBy(2));
    assertThat(refused(send(assignment(null, "{}"))).breaker().retryAfterMs())
        .isGreaterThan(COOL_DOWN.toMillis());
  }

  @Test
  void aModelsBreakerTripsAloneAndOtherModelsAndTheAgentKeepWorking() {
    failTimes(MAX_FAILURES, "m1", ErrorClass.AUTH);
    AgentBreakers report = awaitReport(r -> r.models().get("m1"), BreakerState.OPEN);
    assertThat(report.agent()).extracting(BreakerStatus::state).isEqualTo(BreakerState.CLOSED);
    assertThat(report.models().get("m2"))
        .extracting(BreakerStatus::state)
        .isEqualTo(BreakerState.CLOSED);

    assertThat(refused(send(assignment("m1", "{}"))).breaker().model()).isEqualTo("m1");
    assertThat(run(assignment("m2", "{}"))).isInstanceOf(StepOutcome.Succeeded.class);
    assertThat(run(assignment(null, "{}"))).isInstanceOf(StepOutcome.Succeeded.class);
  }

  @Test
  void theCallersOwnFailuresDoNotTripIt() {
    failTimes(MAX_FAILURES + 1, null, ErrorClass.INVALID_INPUT);
    failTimes(MAX_FAILURES + 1, null, ErrorClass.BUDGET_EXCEEDED);
    assertThat(run(assignment(null, "{}"))).isInstanceOf(StepOutcome.Succeeded.class);
    // Nothing changed, so nothing was reported after the first report.
    watcher.expectNoMessage(Duration.ofMillis(100));
  }
}
