package dev.lattice.orchestrator.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.directory.AgentDirectory;
import dev.lattice.orchestrator.directory.AgentEntry;
import dev.lattice.orchestrator.guard.Guardrails;
import dev.lattice.orchestrator.policy.PolicySettings;
import dev.lattice.orchestrator.ratelimit.RateLimitServices;
import dev.lattice.orchestrator.ratelimit.RateLimitSettings;
import dev.lattice.orchestrator.tenant.TenantLedger;
import dev.lattice.orchestrator.tenant.TenantLedgers;
import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.AgentManifest;
import dev.lattice.protocol.agent.AgentReply;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.BreakerOpen;
import dev.lattice.protocol.agent.BudgetFigures;
import dev.lattice.protocol.agent.BudgetScope;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.api.QueueView;
import dev.lattice.protocol.audit.AuditKind;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.BusKey;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.plan.Budget;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DispatcherTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config());
  private static final DispatchSettings SETTINGS =
      new DispatchSettings(
          Duration.ofMillis(100), 1000, 1000, Duration.ofMillis(20), 1000, Duration.ofSeconds(60));

  private DispatchSettings settings = SETTINGS;

  private final TestProbe<AgentDirectory.Command> directory = testKit.createTestProbe();
  private final ConcurrentLinkedQueue<String> started = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> heartbeats = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<AssignmentResult> finished = new ConcurrentLinkedQueue<>();
  private final BusKey busKey =
      new BusKey("agent", "echo", 0, TenantId.of("t" + System.nanoTime()));

  /** Reservations the dispatcher asked for and settlements it made; grants unless told not to. */
  private final ConcurrentLinkedQueue<String> ledgerCalls = new ConcurrentLinkedQueue<>();

  private volatile boolean tenantSpent;

  /** Leases the dispatcher asked for, used and gave back; declined unless granting is on. */
  private final ConcurrentLinkedQueue<String> leaseCalls = new ConcurrentLinkedQueue<>();

  private volatile boolean grantLeases;
  private final TestProbe<TenantLedger.Command> ledger = testKit.createTestProbe();
  private volatile ActorRef<TenantLedger.LeaseNews> lessee;
  private final TenantLedgers ledgers =
      new TenantLedgers() {
        @Override
        public void reserve(
            TenantId tenant, String key, Spend hold, ActorRef<TenantLedger.Reservation> replyTo) {
          ledgerCalls.add("reserve " + key + " " + hold.tokens());
          BudgetFigures refusal =
              tenantSpent
                  ? new BudgetFigures(
                      BudgetScope.TENANT,
                      new Budget(1000L, null),
                      new Spend(1000, BigDecimal.ZERO),
                      null,
                      hold)
                  : null;
          replyTo.tell(new TenantLedger.Reservation(key, hold, refusal));
        }

        @Override
        public void settle(TenantId tenant, String key, Spend spent) {
          ledgerCalls.add("settle " + key + " " + spent.tokens() + " " + spent.costUsd());
        }

        @Override
        public void askLease(
            TenantId tenant, Spend amount, ActorRef<TenantLedger.LeaseNews> replyTo) {
          lessee = replyTo;
          leaseCalls.add("ask " + amount.tokens());
          replyTo.tell(new TenantLedger.Leased(grantLeases ? amount : Spend.NONE, ledger.ref()));
        }

        @Override
        public void settleLeased(
            TenantId tenant,
            String key,
            Spend spent,
            Spend held,
            ActorRef<TenantLedger.LeaseNews> replyTo) {
          leaseCalls.add("settle " + key + " " + spent.tokens() + " held " + held.tokens());
        }

        @Override
        public void giveBack(
            TenantId tenant, Spend amount, ActorRef<TenantLedger.LeaseNews> replyTo) {
          leaseCalls.add("give back " + amount.tokens());
        }
      };

  private ActorRef<Dispatcher.Command> dispatcher;
  // Steps whose run has their result: asked after a restart, it takes them back.
  private final Set<String> done = ConcurrentHashMap.newKeySet();
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
          public void started(RunId runId, String stepId, int attempt, AgentId agentId) {
            started.add(stepId + "@" + agentId.value());
          }

          @Override
          public void heartbeat(RunId runId, String stepId, int attempt) {
            heartbeats.add(stepId + "/" + attempt);
          }

          @Override
          public void finished(AssignmentResult result) {
            finished.add(result);
          }

          // A run that still wants its attempt sends it again; one that has its result takes it
          // back.
          @Override
          public void stillWanted(Assignment assignment, BusKey at) {
            dispatcher.tell(
                done.contains(assignment.stepId())
                    ? new Dispatcher.Withdraw(assignment.idempotencyKey())
                    : new Dispatcher.Enqueue(assignment));
          }
        };
    dispatcher =
        testKit.spawn(
            Dispatcher.create(
                busKey,
                new DispatchServices(
                    settings,
                    directory.ref(),
                    runs,
                    new DispatchPolicy(policy()),
                    ledgers,
                    "local",
                    Clock.systemUTC(),
                    // No rate limits: no attempt waits for a provider.
                    RateLimitServices.none(
                        RateLimitSettings.create(ConfigFactory.defaultReference())),
                    Guardrails.NONE)));
    agentsOf = directory.expectMessageClass(AgentDirectory.Subscribe.class).subscriber();
  }

  /**
   * Tenant acme may use model m1 only and has a budget; model m1 costs 0.01 USD per 1,000 prompt
   * and 0.02 per 1,000 completion tokens; an echo attempt is expected to use 100 tokens.
   */
  private static PolicySettings policy() {
    return PolicySettings.create(
        ConfigFactory.parseString(
                "lattice.policy { prices { m1 { prompt-per-1k-tokens = 0.01,"
                    + " completion-per-1k-tokens = 0.02 } },"
                    + " estimates.capabilities.echo.tokens = 100,"
                    + " tenants.acme { models = [m1], budget { max-tokens = 1000, period = 1d } } }")
            .withFallback(ConfigFactory.defaultReference()));
  }

  private TestProbe<AgentCommand> agent(
      String id, int capacity, int priority, List<AgentEntry> into) {
    return agent(id, capacity, priority, "local", into);
  }

  /** An echo agent on {@code node} ("local" is the dispatcher's own). */
  private TestProbe<AgentCommand> agent(
      String id, int capacity, int priority, String node, List<AgentEntry> into) {
    TestProbe<AgentCommand> probe = testKit.createTestProbe();
    into.add(
        new AgentEntry(
            new AgentManifest(AgentId.of(id), Set.of("echo"), Set.of(), capacity, priority, node),
            probe.ref()));
    return probe;
  }

  /** The one agent this dispatcher knows of. */
  private TestProbe<AgentCommand> onlyAgent(String id, int capacity, int priority) {
    List<AgentEntry> entries = new ArrayList<>();
    TestProbe<AgentCommand> probe = agent(id, capacity, priority, entries);
    agentsOf.tell(new AgentDirectory.Agents(entries));
    return probe;
  }

  private static Assignment assignment(String step) {
    return assignment(step, null);
  }

  private static Assignment assignment(String step, String model) {
    return new Assignment(
        RunId.of("run-1"),
        step,
        1,
        null,
        "echo",
        model,
        null,
        1000,
        JsonNodeFactory.instance.nullNode(),
        TenantId.DEFAULT);
  }

  private static Assignment assignment(
      String step, String tenant, String model, Budget budget, int priority) {
    return new Assignment(
        RunId.of("run-1"),
        step,
        1,
        null,
        "echo",
        model,
        budget,
        1000,
        JsonNodeFactory.instance.nullNode(),
        TenantId.of(tenant),
        null,
        priority,
        List.of());
  }

  private AssignmentResult finishedResult() {
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(
        () -> {
          assertThat(finished).hasSize(1);
          return null;
        });
    return finished.peek();
  }

  private static AgentCommand.Assign assigned(TestProbe<AgentCommand> agent) {
    // Generous: a restarted dispatcher recovers its log first, which a loaded machine slows.
    return (AgentCommand.Assign) agent.receiveMessage(Duration.ofSeconds(15));
  }

  private QueueView queue() {
    TestProbe<QueueView> probe = testKit.createTestProbe();
    dispatcher.tell(new Dispatcher.GetQueue(probe.ref()));
    return probe.receiveMessage();
  }

  /** The queue's depth and what it has in flight on each agent. */
  private void assertQueue(int queued, int inFlight, Map<String, Integer> byAgent) {
    QueueView view = queue();
    assertThat(view.busKey()).isEqualTo(busKey.value());
    assertThat(List.of(view.queued(), view.inFlight())).containsExactly(queued, inFlight);
    assertThat(view.inFlightByAgent()).isEqualTo(byAgent);
  }

  /**
   * Waits until the dispatcher's log has written that it accepted {@code assignment} (and so every
   * decision before it), so that a restart finds it.
   */
  private void awaitRecorded(Assignment assignment) {
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertThat(written())
                  .flatMap(DispatchLog.Batch::accepted)
                  .extracting(accepted -> accepted.assignment().idempotencyKey())
                  .contains(assignment.idempotencyKey());
              return null;
            });
  }

  /** The run's answer takes a round trip: the attempt ends once it arrives. */
  private void awaitRunTookItBack() {
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(5),
            () -> {
              assertQueue(0, 0, Map.of());
              return null;
            });
  }

  /** What the dispatcher's log has written so far. */
  private List<DispatchLog.Batch> written() {
    String id = PersistenceId.of(Dispatcher.ENTITY_TYPE_KEY.name(), busKey.value()).id();
    return PersistenceTestKit.create(testKit.system()).persistedInStorage(id).stream()
        .map(DispatchLog.Batch.class::cast)
        .toList();
  }

  /** Agent {@code a} with room for one assignment: s1 routed to it, s2 queued behind. */
  private record OneBusyAgent(
      TestProbe<AgentCommand> a, Assignment s1, Assignment s2, AgentCommand.Assign routed) {}

  private OneBusyAgent oneBusyAgent() {
    TestProbe<AgentCommand> a = onlyAgent("a", 1, 0);
    Assignment s1 = assignment("s1");
    Assignment s2 = assignment("s2");
    dispatcher.tell(new Dispatcher.Enqueue(s1));
    dispatcher.tell(new Dispatcher.Enqueue(s2));
    AgentCommand.Assign routed = assigned(a);
    assertThat(routed.assignment().stepId()).isEqualTo("s1");
    return new OneBusyAgent(a, s1, s2, routed);
  }

  private static AgentReply.Accepted accepted(Assignment assignment, String agent) {
    return new AgentReply.Accepted(assignment.idempotencyKey(), AgentId.of(agent), 1);
  }

  @Test
  void aVacancyAnAgentHoldsForThisDispatcherIsTakenWithQueuedWorkOrGivenBack() {
    // No probes during the test: only the vacancy may send s2.
    testKit.stop(dispatcher);
    settings =
        new DispatchSettings(
            Duration.ofMinutes(5), 1000, 1000, Duration.ofMillis(20), 1000, Duration.ofSeconds(60));
    start();
    OneBusyAgent busy = oneBusyAgent();
    ActorRef<AgentReply> agentReplies = busy.routed().replyTo();
    agentReplies.tell(accepted(busy.s1(), "a"));
    // s1 ends, but the agent holds its slot for someone else in line (load 1 of 1): s2 waits.
    agentReplies.tell(
        finished(
            busy.s1(), "a", StepOutcome.succeeded(JsonNodeFactory.instance.nullNode(), null), 1));
    busy.a().expectNoMessage(Duration.ofMillis(200));
    // Later a slot is held for this dispatcher: s2 takes it at once.
    agentReplies.tell(new AgentReply.Vacancy(AgentId.of("a"), 0));
    assertThat(assigned(busy.a()).assignment()).isEqualTo(busy.s2());
    agentReplies.tell(
        finished(busy.s2(), "a", StepOutcome.succeeded(JsonNodeFactory.instance.nullNode(), null)));
    // With nothing queued, a slot offered is given back, so that the next in line gets it.
    agentReplies.tell(new AgentReply.Vacancy(AgentId.of("a"), 0));
    assertThat(busy.a().receiveMessage()).isEqualTo(new AgentCommand.Release(agentReplies));
  }

  private static AgentReply.Finished finished(Assignment assignment, String agent, StepOutcome o) {
    return finished(assignment, agent, o, 0);
  }

  /** The agent's answer, after which {@code load} slots are taken on it. */
  private static AgentReply.Finished finished(
      Assignment assignment, String agent, StepOutcome o, int load) {
    return new AgentReply.Finished(AssignmentResult.of(assignment, AgentId.of(agent), o), load);
  }

  @Test
  void routesToTheLeastLoadedAgentAndQueuesBeyondCapacity() {
    List<AgentEntry> entries = new ArrayList<>();
    TestProbe<AgentCommand> a = agent("a", 1, 0, entries);
    TestProbe<AgentCommand> b = agent("b", 1, 0, entries);
    agentsOf.tell(new AgentDirectory.Agents(entries));
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s1")));
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s2")));
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s3")));
    AgentCommand.Assign toA = assigned(a);
    AgentCommand.Assign toB = assigned(b);
    assertThat(List.of(toA.assignment().stepId(), toB.assignment().stepId()))
        .containsExactlyInAnyOrder("s1", "s2");
    // Both agents are at capacity: s3 waits, in the queue.
    a.expectNoMessage(Duration.ofMillis(100));
    b.expectNoMessage(Duration.ofMillis(100));
    assertQueue(1, 2, Map.of("a", 1, "b", 1));

    // a finishes: its result goes to the run, and s3 goes to a.
    AssignmentResult result =
        AssignmentResult.of(
            toA.assignment(),
            AgentId.of("a"),
            StepOutcome.succeeded(JsonNodeFactory.instance.nullNode(), null));
    toA.replyTo().tell(new AgentReply.Finished(result, 0));
    assertThat(assigned(a).assignment().stepId()).isEqualTo("s3");
    assertThat(finished).containsExactly(result);
  }

  @Test
  void prefersHigherPriorityAgents() {
    List<AgentEntry> entries = new ArrayList<>();
    TestProbe<AgentCommand> low = agent("low", 10, 0, entries);
    TestProbe<AgentCommand> high = agent("high", 10, 5, entries);
    agentsOf.tell(new AgentDirectory.Agents(entries));
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s1")));
    assertThat(assigned(high).assignment().stepId()).isEqualTo("s1");
    low.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void prefersAnAgentOnItsOwnNodeWhenSeveralFitEqually() {
    List<AgentEntry> entries = new ArrayList<>();
    // The remote agent's id sorts first: only the node can make the local one win.
    TestProbe<AgentCommand> remote = agent("a-remote", 10, 0, "pekko://lattice@10.0.0.2", entries);
    TestProbe<AgentCommand> local = agent("b-local", 10, 0, entries);
    agentsOf.tell(new AgentDirectory.Agents(entries));
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s1")));
    assertThat(assigned(local).assignment().stepId()).isEqualTo("s1");
    remote.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aHigherPriorityAgentOnAnotherNodeWinsOverALocalOne() {
    List<AgentEntry> entries = new ArrayList<>();
    TestProbe<AgentCommand> remote = agent("remote", 10, 5, "pekko://lattice@10.0.0.2", entries);
    TestProbe<AgentCommand> local = agent("local", 10, 0, entries);
    agentsOf.tell(new AgentDirectory.Agents(entries));
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s1")));
    assertThat(assigned(remote).assignment().stepId()).isEqualTo("s1");
    local.expectNoMessage(Duration.ofMillis(50));
  }

  /** The agent answers {@code assign} that its breaker (or {@code model}'s) is open. */
  private static void refuseByBreaker(AgentCommand.Assign assign, String model, long retryAfterMs) {
    assign
        .replyTo()
        .tell(
            new AgentReply.Rejected(
                assign.assignment().idempotencyKey(),
                AgentId.of("a"),
                "circuit breaker open",
                0,
                new BreakerOpen(model, retryAfterMs)));
  }

  @Test
  void anAgentWhoseBreakerIsOpenGetsNoWorkUntilItMayAcceptAgain() {
    TestProbe<AgentCommand> a = onlyAgent("a", 5, 1);
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s1")));
    long coolDownMs = 600;
    long refusedAt = System.nanoTime();
    refuseByBreaker(assigned(a), null, coolDownMs);
    // Not merely full: the probe interval (100 ms) passes several times without a new try.
    a.expectNoMessage(Duration.ofMillis(coolDownMs / 2));
    assertThat(assigned(a).assignment().stepId()).isEqualTo("s1");
    assertThat(Duration.ofNanos(System.nanoTime() - refusedAt))
        .isGreaterThanOrEqualTo(Duration.ofMillis(coolDownMs));
  }

  @Test
  void aModelsOpenBreakerKeepsOnlyThatModelsWorkFromTheAgent() {
    TestProbe<AgentCommand> a = onlyAgent("a", 5, 0);
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s1", "m1")));
    refuseByBreaker(assigned(a), "m1", 60_000);
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s2", "m1")));
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s3", "m2")));
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s4")));
    assertThat(assigned(a).assignment().stepId()).isEqualTo("s3");
    assertThat(assigned(a).assignment().stepId()).isEqualTo("s4");
    a.expectNoMessage(Duration.ofMillis(300));
    assertThat(queue().queued()).isEqualTo(2);
  }

  @Test
  void tellsTheRunWhenAnAgentTakesItsStep() {
    TestProbe<AgentCommand> a = onlyAgent("a", 1, 0);
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s1")));
    AgentCommand.Assign assign = assigned(a);
    assign
        .replyTo()
        .tell(new AgentReply.Accepted(assign.assignment().idempotencyKey(), AgentId.of("a"), 1));
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertThat(started).containsExactly("s1@a");
              return null;
            });
  }

  @Test
  void aRejectedAssignmentGoesToAnotherAgent() {
    List<AgentEntry> entries = new ArrayList<>();
    TestProbe<AgentCommand> a = agent("a", 5, 1, entries);
    TestProbe<AgentCommand> b = agent("b", 5, 0, entries);
    agentsOf.tell(new AgentDirectory.Agents(entries));
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s1")));
    AgentCommand.Assign first = assigned(a);
    first
        .replyTo()
        .tell(
            new AgentReply.Rejected(
                first.assignment().idempotencyKey(), AgentId.of("a"), "busy", 5));
    assertThat(assigned(b).assignment().stepId()).isEqualTo("s1");
  }

  @Test
  void anAttemptWhoseAgentLeavesFailsWithWorkerLostAndALateResultIsOnlyPassedOn() {
    List<AgentEntry> entries = new ArrayList<>();
    TestProbe<AgentCommand> a = agent("a", 5, 1, entries);
    TestProbe<AgentCommand> b = agent("b", 5, 0, entries);
    agentsOf.tell(new AgentDirectory.Agents(entries));
    // A tenant with a budget: the attempt holds part of it while it runs.
    Assignment s1 = assignment("s1", "acme", "m1", null, 0);
    dispatcher.tell(new Dispatcher.Enqueue(s1));
    AgentCommand.Assign routed = assigned(a);

    // a leaves while it runs s1: the attempt ends as worker_lost, for the run to retry.
    agentsOf.tell(new AgentDirectory.Agents(List.of(entries.get(1))));
    AssignmentResult lost = finishedResult();
    assertThat(lost.idempotencyKey()).isEqualTo(s1.idempotencyKey());
    assertThat(lost.agentId()).isEqualTo(AgentId.of("a"));
    StepOutcome.Failed failure = (StepOutcome.Failed) lost.outcome();
    assertThat(failure.error().errorClass()).isEqualTo(ErrorClass.WORKER_LOST);
    assertThat(failure.error().message()).contains("agent a left");
    assertThat(failure.usage()).isEqualTo(Usage.NONE);
    // Its hold goes back to the tenant, and the log audits the loss.
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertThat(ledgerCalls).contains("settle run-1/s1/1 0 0");
              assertThat(written())
                  .flatMap(DispatchLog.Batch::audit)
                  .filteredOn(entry -> entry.kind() == AuditKind.WORKER_LOST)
                  .singleElement()
                  .satisfies(entry -> assertThat(entry.agentId()).isEqualTo("a"));
              return null;
            });
    assertThat(queue().failures()).isEqualTo(Map.of(ErrorClass.WORKER_LOST, 1L));

    // The attempt is finished here: not routed again when the run re-sends it (the run may not
    // have heard of it: it is told the same result again).
    dispatcher.tell(new Dispatcher.Enqueue(s1));
    b.expectNoMessage(Duration.ofMillis(100));
    assertQueue(0, 0, Map.of());
    assertThat(finished).hasSize(2).allSatisfy(told -> assertThat(told).isEqualTo(lost));

    // A late result of the lost attempt goes on to the run (which ignores it as stale) and
    // changes nothing here.
    routed
        .replyTo()
        .tell(finished(s1, "a", StepOutcome.succeeded(JsonNodeFactory.instance.nullNode(), null)));
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertThat(finished).hasSize(3);
              return null;
            });
    assertThat(queue().failures()).isEqualTo(Map.of(ErrorClass.WORKER_LOST, 1L));
  }

  @Test
  void afterARestartWorkOfAnAgentNotListedYetWaitsForAnAgentAsTheSameAttempt() {
    List<AgentEntry> entries = new ArrayList<>();
    agent("a", 1, 1, entries);
    TestProbe<AgentCommand> b = agent("b", 1, 0, entries);
    agentsOf.tell(new AgentDirectory.Agents(entries));
    Assignment s1 = assignment("s1");
    Assignment s2 = assignment("s2");
    dispatcher.tell(new Dispatcher.Enqueue(s1));
    dispatcher.tell(new Dispatcher.Enqueue(s2));
    Assignment s3 = assignment("s3");
    dispatcher.tell(new Dispatcher.Enqueue(s3));
    assertThat(assigned(b).assignment().stepId()).isEqualTo("s2");
    // s3 is queued, which the log writes at once (with the routes before it).
    awaitRecorded(s3);
    testKit.stop(dispatcher);
    start();
    // The restarted dispatcher's first view lacks a (not listed yet, or gone with a node that
    // crashed): s1 waits in the queue as the same attempt instead of failing.
    agentsOf.tell(new AgentDirectory.Agents(List.of(entries.get(1))));
    AgentCommand.Assign resent = assigned(b);
    assertThat(resent.assignment().stepId()).isEqualTo("s2");
    assertQueue(2, 1, Map.of("b", 1));
    resent
        .replyTo()
        .tell(finished(s2, "b", StepOutcome.succeeded(JsonNodeFactory.instance.nullNode(), null)));
    assertThat(assigned(b).assignment()).isEqualTo(s1);
    assertThat(finished)
        .extracting(AssignmentResult::idempotencyKey)
        .containsExactly(s2.idempotencyKey());
  }

  @Test
  void aQueueReportsHowLongItsWorkWaitedAndItsFailuresByErrorClass() {
    OneBusyAgent busy = oneBusyAgent();
    // The wait ends when an agent takes the work (it says so), not when it is sent.
    busy.routed().replyTo().tell(accepted(busy.s1(), "a"));
    // s2 waits behind s1 until s1 fails.
    busy.routed()
        .replyTo()
        .tell(
            finished(
                busy.s1(), "a", StepOutcome.failed(ErrorClass.RATE_LIMITED, "slow down", null)));
    AgentCommand.Assign second = assigned(busy.a());
    second.replyTo().tell(accepted(busy.s2(), "a"));
    second
        .replyTo()
        .tell(
            finished(
                busy.s2(), "a", StepOutcome.succeeded(JsonNodeFactory.instance.nullNode(), null)));
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              QueueView view = queue();
              assertThat(view.queueWait().count()).isEqualTo(2);
              assertThat(view.queueWait().p99Ms()).isGreaterThanOrEqualTo(view.queueWait().p50Ms());
              assertThat(view.failures()).isEqualTo(Map.of(ErrorClass.RATE_LIMITED, 1L));
              return null;
            });
  }

  @Test
  void aRepeatedKeyIsAcceptedOnce() {
    TestProbe<AgentCommand> a = onlyAgent("a", 5, 0);
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s1")));
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s1")));
    assigned(a);
    a.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void afterARestartQueuedWorkIsStillThereAndRoutedWorkIsResentToTheSameAgent() {
    List<AgentEntry> entries = new ArrayList<>();
    TestProbe<AgentCommand> a = agent("a", 1, 0, entries);
    agentsOf.tell(new AgentDirectory.Agents(entries));
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s1")));
    Assignment s2 = assignment("s2");
    dispatcher.tell(new Dispatcher.Enqueue(s2));
    assigned(a);
    // s2 is queued, which the log writes at once; then the dispatcher stops and starts again.
    // (Stopped before that write, it would have nothing to recover: seen on a loaded machine.)
    awaitRecorded(s2);
    testKit.stop(dispatcher);
    start();
    agentsOf.tell(new AgentDirectory.Agents(entries));
    assertThat(assigned(a).assignment().stepId()).isEqualTo("s1");
    assertQueue(1, 1, Map.of("a", 1));
  }

  @Test
  void afterARestartWorkItsRunAlreadyHasIsNotSentToItsAgentAgain() {
    List<AgentEntry> entries = new ArrayList<>();
    TestProbe<AgentCommand> a = agent("a", 1, 0, entries);
    agentsOf.tell(new AgentDirectory.Agents(entries));
    Assignment s1 = assignment("s1");
    dispatcher.tell(new Dispatcher.Enqueue(s1));
    assigned(a);
    awaitRecorded(s1);
    testKit.stop(dispatcher);
    // The run recorded s1's result, which this dispatcher's log and the agent's record lost.
    done.add("s1");
    start();
    agentsOf.tell(new AgentDirectory.Agents(entries));
    awaitRunTookItBack();
    a.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void afterARestartWorkItsRunAlreadyHasIsNotQueuedAgainWhenItsAgentIsNotListedYet() {
    List<AgentEntry> entries = new ArrayList<>();
    agent("a", 1, 0, entries);
    TestProbe<AgentCommand> b = agent("b", 1, 0, entries);
    agentsOf.tell(new AgentDirectory.Agents(entries.subList(0, 1)));
    Assignment s1 = assignment("s1");
    dispatcher.tell(new Dispatcher.Enqueue(s1));
    awaitRecorded(s1);
    testKit.stop(dispatcher);
    // The run recorded s1's result, which this dispatcher's log and the agent's record lost.
    done.add("s1");
    start();
    // Agent a is not listed yet: s1 would wait for any agent, and b is free.
    agentsOf.tell(new AgentDirectory.Agents(entries.subList(1, 2)));
    awaitRunTookItBack();
    b.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aWithdrawnAssignmentIsDroppedWhenQueuedAndCancelledOnItsAgentWhenRouted() {
    OneBusyAgent busy = oneBusyAgent();
    TestProbe<AgentCommand> a = busy.a();
    Assignment s1 = busy.s1();
    Assignment s2 = busy.s2();
    AgentCommand.Assign routed = busy.routed();

    // s2 waits in the queue: withdrawn, it is gone and never reaches an agent.
    dispatcher.tell(new Dispatcher.Withdraw(s2.idempotencyKey()));
    assertQueue(0, 1, Map.of("a", 1));
    // s1 is on agent a: withdrawn, the agent is told to cancel it.
    dispatcher.tell(new Dispatcher.Withdraw(s1.idempotencyKey()));
    assertThat(a.expectMessageClass(AgentCommand.Cancel.class).idempotencyKey())
        .isEqualTo(s1.idempotencyKey());
    // Heartbeats of a routed attempt reach its run.
    routed.replyTo().tell(new AgentReply.Alive(s1.idempotencyKey(), AgentId.of("a"), 1));
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(5),
            () -> {
              assertThat(heartbeats).containsExactly("s1/1");
              return null;
            });
    // The agent answers cancelled, which finishes s1 here as any result would.
    AssignmentResult cancelled =
        AssignmentResult.of(
            s1, AgentId.of("a"), StepOutcome.failed(ErrorClass.CANCELLED, "withdrawn", null));
    routed.replyTo().tell(new AgentReply.Finished(cancelled, 0));
    a.expectNoMessage(Duration.ofMillis(100));
    assertQueue(0, 0, Map.of());
  }

  @Test
  void queuedWorkOfHigherPriorityRunsGoesFirst() {
    TestProbe<AgentCommand> a = onlyAgent("a", 1, 0);
    dispatcher.tell(new Dispatcher.Enqueue(assignment("first", "default", null, null, 0)));
    AgentCommand.Assign first = assigned(a);
    dispatcher.tell(new Dispatcher.Enqueue(assignment("low", "default", null, null, 0)));
    dispatcher.tell(new Dispatcher.Enqueue(assignment("lower", "default", null, null, -1)));
    dispatcher.tell(new Dispatcher.Enqueue(assignment("high", "default", null, null, 5)));
    assertThat(queue().queued()).isEqualTo(3);
    List<String> order = new ArrayList<>();
    AgentCommand.Assign current = first;
    for (int i = 0; i < 3; i++) {
      current
          .replyTo()
          .tell(
              finished(
                  current.assignment(),
                  "a",
                  StepOutcome.succeeded(JsonNodeFactory.instance.nullNode(), null)));
      current = assigned(a);
      order.add(current.assignment().stepId());
    }
    assertThat(order).containsExactly("high", "low", "lower");
  }

  @Test
  void aModelOffTheTenantsAllowListIsDeniedBeforeDispatchNamingTheRule() {
    TestProbe<AgentCommand> a = onlyAgent("a", 5, 0);
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s1", "acme", "gpt-huge", null, 0)));
    StepOutcome.Failed failed = (StepOutcome.Failed) finishedResult().outcome();
    assertThat(failed.error().errorClass()).isEqualTo(ErrorClass.POLICY_DENIED);
    assertThat(failed.error().message())
        .isEqualTo(
            "model 'gpt-huge' is not on the allow-list lattice.policy.tenants.acme.models [m1]");
    a.expectNoMessage(Duration.ofMillis(100));
    assertThat(queue().queued() + queue().inFlight()).isZero();
  }

  @Test
  void aStepWhoseExpectedUsageIsOverItsBudgetIsRefusedBeforeDispatchWithTheFigures() {
    TestProbe<AgentCommand> a = onlyAgent("a", 5, 0);
    dispatcher.tell(
        new Dispatcher.Enqueue(assignment("s1", "default", null, new Budget(50L, null), 0)));
    StepOutcome.Failed failed = (StepOutcome.Failed) finishedResult().outcome();
    assertThat(failed.error().errorClass()).isEqualTo(ErrorClass.BUDGET_EXCEEDED);
    assertThat(failed.error().budget().scope()).isEqualTo(BudgetScope.STEP);
    assertThat(failed.error().budget().limit().maxTokens()).isEqualTo(50L);
    assertThat(failed.error().budget().requested().tokens()).isEqualTo(100);
    a.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aTenantOverItsBudgetHasItsAttemptRefusedBeforeDispatch() {
    tenantSpent = true;
    TestProbe<AgentCommand> a = onlyAgent("a", 5, 0);
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s1", "acme", "m1", null, 0)));
    StepOutcome.Failed failed = (StepOutcome.Failed) finishedResult().outcome();
    assertThat(failed.error().errorClass()).isEqualTo(ErrorClass.BUDGET_EXCEEDED);
    assertThat(failed.error().budget().scope()).isEqualTo(BudgetScope.TENANT);
    assertThat(failed.error().message()).startsWith("tenant budget exceeded: 1100 tokens of 1000");
    a.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aTenantsAttemptIsReservedBeforeDispatchAndSettledAtItsPricedUsage() {
    TestProbe<AgentCommand> a = onlyAgent("a", 5, 0);
    Assignment asked = assignment("s1", "acme", "m1", new Budget(null, new BigDecimal("0.01")), 0);
    dispatcher.tell(new Dispatcher.Enqueue(asked));
    AgentCommand.Assign assign = assigned(a);
    assertThat(ledgerCalls).containsExactly("reserve run-1/s1/1 100");
    // The agent reports no cost; the price table makes it 1000 * 0.01/1k + 500 * 0.02/1k = 0.02,
    // over the step's 0.01: the success becomes budget_exceeded.
    assign
        .replyTo()
        .tell(
            new AgentReply.Finished(
                AssignmentResult.of(
                    assign.assignment(),
                    AgentId.of("a"),
                    StepOutcome.succeeded(
                        JsonNodeFactory.instance.nullNode(), new Usage("m1", 1000, 500, null))),
                0));
    StepOutcome.Failed failed = (StepOutcome.Failed) finishedResult().outcome();
    assertThat(failed.error().errorClass()).isEqualTo(ErrorClass.BUDGET_EXCEEDED);
    assertThat(failed.usage().costUsd()).isEqualByComparingTo("0.02");
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertThat(ledgerCalls).contains("settle run-1/s1/1 1500 0.02");
              return null;
            });
  }

  @Test
  void aTenantsAttemptsTakeTheirHoldsFromALeaseWithoutAskingTheLedgerEachTime() {
    grantLeases = true;
    TestProbe<AgentCommand> a = onlyAgent("a", 5, 0);
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s1", "acme", "m1", null, 0)));
    assigned(a);
    // No lease yet: the first attempt is reserved on its own, and a lease of 32 holds is asked.
    assertThat(ledgerCalls).containsExactly("reserve run-1/s1/1 100");
    assertThat(leaseCalls).containsExactly("ask 3200");

    dispatcher.tell(new Dispatcher.Enqueue(assignment("s2", "acme", "m1", null, 0)));
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s3", "acme", "m1", null, 0)));
    AgentCommand.Assign s2 = assigned(a);
    assigned(a);
    assertThat(ledgerCalls).containsExactly("reserve run-1/s1/1 100");
    // Each attempt's hold is audited alike, wherever it came from.
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertThat(written())
                  .flatMap(DispatchLog.Batch::audit)
                  .filteredOn(entry -> entry.kind() == AuditKind.BUDGET_RESERVED)
                  .hasSize(3);
              return null;
            });

    s2.replyTo()
        .tell(
            new AgentReply.Finished(
                AssignmentResult.of(
                    s2.assignment(),
                    AgentId.of("a"),
                    StepOutcome.succeeded(
                        JsonNodeFactory.instance.nullNode(), new Usage("m1", 60, 20, null))),
                0));
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertThat(leaseCalls).contains("settle run-1/s2/1 80 held 100");
              return null;
            });

    // Recalled: what is unused goes back, and the next attempt is reserved on its own again.
    lessee.tell(new TenantLedger.Recall(ledger.ref()));
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertThat(leaseCalls).contains("give back 3000");
              return null;
            });
    dispatcher.tell(new Dispatcher.Enqueue(assignment("s4", "acme", "m1", null, 0)));
    assigned(a);
    assertThat(ledgerCalls).contains("reserve run-1/s4/1 100");
  }
}
