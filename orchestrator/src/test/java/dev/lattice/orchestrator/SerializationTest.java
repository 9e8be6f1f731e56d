package dev.lattice.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.directory.AgentDirectory;
import dev.lattice.orchestrator.directory.AgentEntry;
import dev.lattice.orchestrator.dispatch.DispatchLog;
import dev.lattice.orchestrator.dispatch.Dispatcher;
import dev.lattice.orchestrator.dispatch.DispatcherState;
import dev.lattice.orchestrator.plan.Plans;
import dev.lattice.orchestrator.ratelimit.LimitedModel;
import dev.lattice.orchestrator.ratelimit.ProviderLimiter;
import dev.lattice.orchestrator.run.RunEntity;
import dev.lattice.orchestrator.run.RunStateMoved;
import dev.lattice.orchestrator.run.core.RunDeadline;
import dev.lattice.orchestrator.run.core.RunState;
import dev.lattice.orchestrator.tenant.LedgerState;
import dev.lattice.orchestrator.tenant.TenantLedger;
import dev.lattice.protocol.agent.AgentBreakers;
import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.AgentManifest;
import dev.lattice.protocol.agent.AgentReply;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.AssignmentResult;
import dev.lattice.protocol.agent.BreakerOpen;
import dev.lattice.protocol.agent.BreakerState;
import dev.lattice.protocol.agent.BreakerStatus;
import dev.lattice.protocol.agent.BudgetFigures;
import dev.lattice.protocol.agent.BudgetScope;
import dev.lattice.protocol.agent.Drained;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.RateObservation;
import dev.lattice.protocol.agent.RejectedOutput;
import dev.lattice.protocol.agent.Spend;
import dev.lattice.protocol.agent.StepError;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.agent.ToolEffect;
import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.api.OverrideRequest;
import dev.lattice.protocol.api.QueueView;
import dev.lattice.protocol.api.QueueWait;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.api.TenantUsage;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.AuditKind;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.ids.BusKey;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.log.LogLevel;
import dev.lattice.protocol.log.LogLine;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.LoopPart;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.run.RunCause;
import dev.lattice.protocol.run.RunChange;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunFeed;
import dev.lattice.protocol.run.RunSpec;
import dev.lattice.protocol.run.StepDelta;
import dev.lattice.protocol.run.ToolCall;
import dev.lattice.worker.agent.WorkerAgent;
import dev.lattice.worker.agent.WorkerState;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message, event and snapshot that crosses nodes or reaches the journal is written by the
 * Jackson CBOR serializer and read back equal.
 */
class SerializationTest {
  // With the node's migrations of classes that moved, which read what older versions wrote.
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseResources("lattice-node.conf")
              .withOnlyPath("pekko.serialization.jackson.migrations")
              .withFallback(ConfigFactory.load()));
  private static final Instant AT = Instant.parse("2026-01-01T10:00:00.123456Z");
  private static final RunId RUN = RunId.of("01a1ff1a-0000-7000-8000-000000000001");
  private static final JsonNode JSON = Plans.json("{'text': 'hello', 'n': [1, 2.5, true, null]}");
  private static final PlanSpec PLAN =
      Plans.plan(
          "{'retry': {'maxAttempts': 2}, 'deadlineMs': 60000, 'steps': [{'id': 'a', 'capability':"
              + " 'echo', 'model': 'm',"
              + " 'budget': {'maxTokens': 10, 'maxCostUsd': 0.5}, 'timeouts': {'startToCloseMs': 5},"
              + " 'retry': {'nonRetryable': ['timeout']}, 'input': {'x': '${payload.text}'}},"
              + " {'id': 'g', 'kind': 'gate', 'dependsOn': ['a'], 'condition': 'true', 'onFalse':"
              + " 'skip'}, {'id': 'w', 'kind': 'wait', 'signal': 'approve', 'durationMs': 60000}]}");
  private static final PlanSpec SUB_PLANS =
      Plans.plan(
          "{'steps': [{'id': 'M', 'kind': 'map', 'input': '${payload.n}', 'concurrency': 2,"
              + " 'onElementFailure': 'collect', 'steps': [{'id': 'f', 'capability': 'echo',"
              + " 'input': '${item}'}]}, {'id': 'L', 'kind': 'loop', 'until': 'iteration > 1',"
              + " 'maxIterations': 3, 'steps': [{'id': 'r', 'capability': 'echo'}]}]}");

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static Stream<Object> crossing() {
    ActorRef<Object> ref = testKit.createTestProbe().ref();
    Assignment assignment =
        new Assignment(
            RUN,
            "a",
            2,
            null,
            "echo",
            "m",
            new Budget(10L, new BigDecimal("0.5")),
            5,
            JSON,
            TenantId.of("acme"),
            3000L);
    Usage usage = new Usage("m", 3, 4, new BigDecimal("0.0012"));
    AssignmentResult ok =
        AssignmentResult.of(assignment, AgentId.of("n.echo"), StepOutcome.succeeded(JSON, usage));
    AssignmentResult failed =
        AssignmentResult.of(
            assignment,
            AgentId.of("n.echo"),
            StepOutcome.failed(ErrorClass.TIMEOUT, "late", usage));
    RejectedOutput rejected = new RejectedOutput(1, List.of("/n: too short"), 3, "{\"n\": []}");
    AssignmentResult repaired =
        AssignmentResult.of(
            assignment,
            AgentId.of("n.echo"),
            new StepOutcome.Succeeded(JSON, usage, List.of(rejected)));
    RunSpec spec = new RunSpec(TenantId.of("acme"), ExecutionMode.AUTO, "plan", PLAN, JSON, "key");
    AgentManifest manifest =
        new AgentManifest(
            AgentId.of("n.echo"), Set.of("echo"), Set.of("m"), 4, 1, "pekko://lattice@h:1");
    List<RunChange> changes =
        List.of(
            new RunChange.RunStarted(spec, AT),
            new RunChange.StepDispatched("a", 2, AT),
            new RunChange.StepStarted("a", 2, AgentId.of("n.echo"), AT),
            new RunChange.StepSucceeded("a", 2, AgentId.of("n.echo"), AT, JSON, usage, AT),
            new RunChange.StepFailed(
                "a",
                1,
                null,
                null,
                StepError.of(ErrorClass.RATE_LIMITED, "x").withRetryAfter(Duration.ofSeconds(2)),
                usage,
                AT),
            new RunChange.StepRetryScheduled("a", 2, AT.plusSeconds(1), AT),
            new RunChange.StepRetryScheduled("u", 2, AT, "ops", "checked: it was not sent", AT),
            new RunChange.StepSkipped("g", "gate 'x' was false", AT),
            new RunChange.RunCompleted(JSON, AT),
            new RunChange.RunFailed(new RunCause("a", ErrorClass.TIMEOUT, "late", 2), AT),
            new RunChange.RunPaused("ops", "maintenance", AT),
            new RunChange.RunResumed("ops", null, AT),
            new RunChange.RunCancelled("api", "not needed", AT),
            new RunChange.StepWaiting("w", AT.plusSeconds(60), "approve", AT),
            new RunChange.StepWaiting("t", AT.plusSeconds(5), null, AT),
            new RunChange.StepSignalled("w", "approve", JSON, "alice", null, AT),
            new RunChange.StepOverridden("a", JSON, "ops", "by hand", AT),
            RunChange.StepOutputRejected.of("a", 2, rejected, AT),
            new RunChange.ToolTurnStarted("a", 1, AT),
            new RunChange.ElementStarted("m", 3, AT),
            new RunChange.IterationStarted("l", 2, AT),
            new RunChange.ToolCallsRequested(
                "a",
                1,
                List.of(
                    new ToolCall("c1", "echo", "echo", "a.t1.c1", JSON, null),
                    new ToolCall("c2", "shell", null, "a.t1.c2", null, "no tool named 'shell'")),
                AT));
    RunState state = RunState.empty(RUN);
    for (RunChange change :
        List.of(changes.get(0), changes.get(4), changes.get(5), changes.get(1), changes.get(2))) {
      state = state.apply(change);
    }
    // A state with the steps a map and a loop added, each marked with what it is part of.
    RunState grown =
        RunState.empty(RUN)
            .apply(
                new RunChange.RunStarted(
                    new RunSpec(
                        TenantId.of("acme"), ExecutionMode.AUTO, "plan", SUB_PLANS, JSON, null),
                    AT))
            .apply(new RunChange.ElementStarted("M", 0, AT))
            .apply(new RunChange.IterationStarted("L", 1, AT));
    RunEvent event = changes.get(3).toEvent(RUN, 4);
    DispatchLog.Batch batch =
        new DispatchLog.Batch(
            List.of(new DispatchLog.Accepted(assignment, 7)),
            List.of(new DispatchLog.Route(assignment.idempotencyKey(), AgentId.of("n.echo"))),
            List.of("other/key/1"),
            AT);
    DispatcherState queue = batch.applyTo(DispatcherState.empty());
    Spend spend = new Spend(120, new BigDecimal("0.0042"));
    AgentBreakers breakers =
        new AgentBreakers(
            AgentId.of("n.echo"),
            new BreakerStatus(BreakerState.OPEN, 5, AT, AT.plusSeconds(30)),
            Map.of("m", new BreakerStatus(BreakerState.HALF_OPEN, 2, AT, null)));
    return Stream.<Object>concat(
        changes.stream(),
        Stream.of(
            state,
            grown,
            assignment,
            ok,
            failed,
            manifest,
            new RunFeed.Subscribed(4, false, ref),
            new RunFeed.Published(List.of(event)),
            new RunFeed.Delta(StepDelta.of("r-1", "a", 2, 1, 12, false, "Hello, wo", AT)),
            new RunEntity.PublishDelta(StepDelta.of("r-1", "a", 2, 3, 0, true, "{\"ok\"", AT)),
            new RunEntity.StartRun(spec, true, ref.narrow()),
            new RunEntity.ReportStarted("a", 2, AgentId.of("n.echo")),
            new RunEntity.ReportResult(ok),
            new RunEntity.ReportResult(repaired),
            new RunEntity.GetRun(ref.narrow()),
            new RunEntity.Intervene(
                InterventionType.PAUSE, new Intervention("ops", "maintenance"), ref.narrow()),
            new RunEntity.InterventionOutcome(null, "a run cannot go from completed to running"),
            new RunEntity.AwaitTerminal(ref.narrow()),
            new RunEntity.Subscribe(ref.narrow()),
            new RunEntity.Subscribe(ref.narrow(), true),
            RunEntity.Resume.INSTANCE,
            new RunEntity.Signal(
                "approve", new SignalRequest("w", JSON, "alice", "ok"), ref.narrow()),
            new RunEntity.OverrideStep("a", new OverrideRequest(JSON, "ops", null), ref.narrow()),
            new RunEntity.ReportHeartbeat("a", 2),
            new RunDeadline(RunDeadline.Kind.HEARTBEAT, "a", 2, AT),
            new Dispatcher.Enqueue(assignment),
            new Dispatcher.GetQueue(ref.narrow()),
            new Dispatcher.Withdraw("r/a/2"),
            batch,
            queue,
            new AgentCommand.Assign(assignment, ref.narrow()),
            new AgentCommand.GetManifest(ref.narrow()),
            new AgentReply.Accepted("k", AgentId.of("n.echo"), 3),
            new AgentReply.Rejected("k", AgentId.of("n.echo"), "busy", 4),
            new AgentReply.Rejected(
                "k", AgentId.of("n.echo"), "breaker open", 0, new BreakerOpen("m", 1500)),
            new AgentCommand.WatchBreakers(ref.narrow()),
            breakers,
            new AgentReply.Finished(ok, 1),
            new AgentReply.Finished(
                failed,
                0,
                List.of(
                    new LogLine(AT, LogLevel.INFO, "compiling"),
                    new LogLine(AT, LogLevel.WARN, "error: x.c:1"))),
            new AgentCommand.Cancel("r/a/2"),
            new AgentReply.Alive("r/a/2", AgentId.of("n.echo"), 1),
            new AgentReply.Vacancy(AgentId.of("n.echo"), 1),
            new AgentCommand.Release(ref.narrow()),
            new AgentCommand.Drain(ref.narrow()),
            new Drained(AgentId.of("n.echo")),
            new WorkerAgent.ResultsRecorded(List.of(ok, failed, repaired), AT),
            WorkerState.empty().record(List.of(ok, failed), 10),
            WorkerState.empty().unsafeCallStarted("r/a/2"),
            new WorkerAgent.UnsafeCallStarted("r/a/2", AT),
            assignment.withInput(JSON).withTools(List.of()).withBudget(Budget.UNLIMITED),
            new Assignment(
                RUN,
                "a.t1.c1",
                1,
                null,
                "echo",
                null,
                Budget.UNLIMITED,
                5,
                JSON,
                TenantId.of("acme"),
                null,
                0,
                List.of(),
                new LoopPart("a", 1, 1, "c1", "echo")),
            new RunEntity.RetryStep("a.t1.c1", new Intervention("ops", null), ref.narrow()),
            new RunEntity.ConfirmAttempt("a", 2, BusKey.parse("agent/echo/0/acme")),
            new AgentManifest(
                AgentId.of("n.echo"),
                Set.of("echo"),
                Set.of(),
                4,
                1,
                "pekko://lattice@h:1",
                Map.of("echo", new ToolSpec("Returns its input.", JSON, ToolEffect.IDEMPOTENT))),
            new AgentDirectory.Subscribe(ref.narrow()),
            new AgentDirectory.Agents(List.of(new AgentEntry(manifest, ref.narrow()))),
            new AgentDirectory.GetBreakers(ref.narrow()),
            new AgentDirectory.Breakers(List.of(breakers)),
            new RunAccepted(RUN, true),
            new DispatchLog.Batch(
                List.of(),
                List.of(),
                List.of(),
                AT,
                List.of(
                    new AuditEntry(
                        AT,
                        "agent/echo/0/acme",
                        AuditKind.BUDGET_RECONCILED,
                        RUN,
                        "a",
                        2,
                        "n.echo",
                        "held 200, spent 100",
                        Plans.json("{'held': {'tokens': 200}, 'spent': {'tokens': 100}}")))),
            new TenantLedger.Reserve("r/a/2", spend, ref.narrow()),
            new TenantLedger.Reservation("r/a/2", spend, null),
            new TenantLedger.Reservation(
                "r/a/2",
                spend,
                new BudgetFigures(
                    BudgetScope.TENANT, new Budget(1000L, null), spend, Spend.NONE, spend)),
            new TenantLedger.Settle("r/a/2", spend),
            new TenantLedger.AskLease(spend, ref.narrow()),
            new TenantLedger.Leased(spend, ref.narrow()),
            new TenantLedger.Leased(Spend.NONE, ref.narrow()),
            new TenantLedger.Recall(ref.narrow()),
            new TenantLedger.SettleLeased("r/a/2", spend, Spend.NONE, ref.narrow()),
            new TenantLedger.GiveBack(spend, ref.narrow()),
            new TenantLedger.GetUsage(ref.narrow()),
            new TenantLedger.Spent("r/a/2", spend, AT, AT),
            new TenantLedger.SpentTogether(
                List.of(
                    new TenantLedger.Spent("r/a/2", spend, AT, AT),
                    new TenantLedger.Spent("r/b/1", Spend.NONE, AT, AT.plusSeconds(1)))),
            new LedgerState(AT, spend),
            new TenantUsage("acme", AT, spend, Spend.NONE, new Budget(1000L, new BigDecimal("5"))),
            new QueueView(
                "agent/echo/0/acme",
                1,
                2,
                Map.of("echo-1", 2),
                new QueueWait(40, 0.2, 3.5, 120.25),
                Map.of(ErrorClass.WORKER_LOST, 2L, ErrorClass.AGENT_ERROR, 1L)),
            new QueueView(
                "agent/llm/0/acme",
                140,
                60,
                Map.of("llm-1", 60),
                QueueWait.NONE,
                Map.of(),
                Map.of("rate_limited: provider openai model gpt-4o (60 rpm)", 140)),
            new ProviderLimiter.Acquire("r/a/2", 3, 1040, ref.narrow()),
            new ProviderLimiter.Release("r/a/2"),
            new ProviderLimiter.Settle("r/a/2", 2, 57),
            new ProviderLimiter.Observe(
                new RateObservation(
                    "openai",
                    "gpt-4o",
                    new RateObservation.Quota(60, 12, 800),
                    new RateObservation.Quota(30000, 1200, 59000))),
            new ProviderLimiter.Observe(
                new RateObservation(
                    "anthropic", "claude", null, new RateObservation.Quota(40000, 0, 1000))),
            new ProviderLimiter.Granted(
                new LimitedModel("local", "meta-llama/Llama-3"),
                "r/a/2",
                "rate_limited: provider local model meta-llama/Llama-3 (60 rpm)"),
            new ProviderLimiter.Granted(new LimitedModel("local", "m"), "r/a/2", null),
            new ProviderLimiter.Waiting(
                new LimitedModel("local", "m"), "r/b/1", "rate_limited: provider local model m"),
            state.view(6),
            StatusReply.success(new RunAccepted(RUN, false))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("crossing")
  void roundTripsThroughJacksonCbor(Object message) {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    Serializer serializer = serialization.findSerializerFor(message);
    if (!(message instanceof StatusReply)) {
      assertThat(serializer).isInstanceOf(JacksonSerializer.class);
    }
    byte[] bytes = serialization.serialize(message).get();
    String manifest = Serializers.manifestFor(serializer, message);
    Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
    assertThat(back).isEqualTo(message);
  }

  @Test
  void readsSnapshotsWrittenBeforeRunStateMoved() {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    RunState state =
        RunState.empty(RUN)
            .apply(
                new RunChange.RunStarted(
                    new RunSpec(TenantId.DEFAULT, ExecutionMode.AUTO, "plan", PLAN, JSON, null),
                    AT));
    Serializer serializer = serialization.findSerializerFor(state);
    byte[] bytes = serialization.serialize(state).get();
    // The JSON did not change, only the class name the manifest of an older snapshot carries.
    Object back =
        serialization.deserialize(bytes, serializer.identifier(), RunStateMoved.OLD_NAME).get();
    assertThat(back).isEqualTo(state);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("crossing")
  void neverFallsBackToJavaSerialization(Object message) {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    assertThat(serialization.findSerializerFor(message).getClass().getName())
        .doesNotContain("JavaSerializer");
  }
}
