package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.node.CrashWorkload.Kind;
import dev.lattice.orchestrator.node.DeadlineFirings.Firing;
import dev.lattice.orchestrator.node.DeadlineFirings.Restart;
import dev.lattice.orchestrator.node.DeadlineFirings.When;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.ChildJvm;
import dev.lattice.orchestrator.testing.ExecutionLog;
import dev.lattice.orchestrator.testing.TestJournal;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.api.RunQuery;
import dev.lattice.protocol.api.SignalRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunEventType;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepStatus;
import dev.lattice.protocol.run.StepView;
import dev.lattice.worker.agent.WorkerAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node in its own JVM with 200 runs in flight — waiting on timers, on signals, between retry
 * attempts, in the middle of slow steps — is killed with SIGKILL; a new node starts on the same
 * journal (the H2 file in the same data directory, or a PostgreSQL database). Every run must end as
 * it would have without the kill; timers and retries fire at their persisted times (see the
 * tolerances below); signals sent after the restart are honoured; no step settles twice and no
 * run's sequence numbers have a gap. How often an attempt ran twice on the worker side is reported,
 * and every repeat must be one that at-least-once execution allows.
 */
class DurableCrashIT {
  private static final Duration CHILD_DEADLINE = Duration.ofSeconds(120);
  private static final Duration END_DEADLINE = Duration.ofSeconds(90);

  /**
   * How late a deadline may be acted on while a node runs: timers are scheduled to the millisecond,
   * but each run handles its deadline in turn with everything else, on a 2-core machine that may be
   * running another build.
   */
  private static final Duration ON_TIME_TOLERANCE = Duration.ofSeconds(1);

  /**
   * How long after it is up the second node may take to act on deadlines that fell due while no
   * node ran, or soon after it came up. Nothing asks those runs to go on: they wait for the
   * watchdog's first sweep (1 s after start-up, lattice.run.watchdog.initial-delay), and then some
   * 150 runs replay their journals at once. Later deadlines get {@link #ON_TIME_TOLERANCE}.
   */
  private static final Duration CATCH_UP = Duration.ofSeconds(5);

  private static final int UNFINISHED_SHOWN = 5;

  private static final String FIRST = "first";
  private static final String SECOND = "second";

  @TempDir Path data;
  @TempDir Path logs;

  /**
   * The journal both nodes of the test use; {@link DurableCrashPostgresIT} puts it on PostgreSQL.
   */
  TestJournal journal() {
    return TestJournal.h2(data);
  }

  /** What the first node acknowledged before it was killed. */
  private record FirstNode(Map<String, Kind> runs, Set<String> signalled, Instant killed) {}

  @Test
  void everyRunEndsAsPlannedAfterAKillAmidTimersSignalsAndRetries() throws Exception {
    TestJournal journal = journal();
    Path executions = logs.resolve("executions.log");
    FirstNode first = runAndKill(journal, executions);
    assertThat(first.runs()).hasSize(CrashWorkload.total());
    assertThat(first.signalled()).hasSize(Kind.TWO_SIGNALS.runs);

    Instant restarting = Instant.now();
    try (Lattice second =
        journal
            .node()
            .config(CrashWorkload.NODE_CONFIG)
            .action(
                CrashWorkload.CAPABILITY,
                CrashWorkload.action(new ExecutionLog(executions, SECOND)),
                CrashWorkload.MAX_CONCURRENT)
            .start()) {
      Instant up = Instant.now();
      LatticeClient client = second.client();
      signalAfterRestart(client, first.runs());
      awaitAllEnded(second);
      Instant ended = Instant.now();

      Map<String, RunView> views = new HashMap<>();
      Map<String, List<RunEvent>> events = new HashMap<>();
      for (String runId : first.runs().keySet()) {
        views.put(runId, Await.result(client.run(RunId.of(runId))));
        events.put(runId, events(second, runId));
      }
      Restart restart = new Restart(first.killed(), up, CATCH_UP);
      List<Firing> firings = DeadlineFirings.of(events.values(), restart);
      Set<String> recorded = recordedByTheFirstNode(second, first.killed());
      CrashReport report =
          CrashReport.of(
              first.runs(),
              events,
              new CrashReport.Times(first.killed(), restarting, up, ended),
              firings,
              RepeatedExecutions.of(ExecutionLog.read(executions), FIRST, first.killed(), recorded),
              recorded);
      System.out.println(report.line());

      for (Map.Entry<String, Kind> run : first.runs().entrySet()) {
        checkEnd(run.getValue(), views.get(run.getKey()), events.get(run.getKey()), first, up);
      }
      checkFirings(firings, restart);
      checkReport(report);
    }
  }

  /** The report's figures that must be zero, and the kill's coverage of the workload. */
  private static void checkReport(CrashReport report) {
    assertThat(report.settledTwice()).as("steps that settled more than once").isZero();
    assertThat(report.gaps()).as("gaps in sequence numbers, or runs not ending once").isZero();
    assertThat(report.repeats().unexplained())
        .as("attempts repeated although recorded: %s", report.repeats().examples())
        .isZero();
    for (Kind kind : Kind.values()) {
      if (kind != Kind.PLAIN) {
        // The kill must have caught every kind but the plain one in flight, or it proves little.
        assertThat(report.cutOff().getOrDefault(kind, 0))
            .as("%s runs cut off by the kill", kind)
            .isPositive();
      }
    }
  }

  /** The idempotency keys whose results the first node's agent had recorded in its journal. */
  private static Set<String> recordedByTheFirstNode(Lattice lattice, Instant killed) {
    JdbcReadJournal journal =
        PersistenceQuery.get(lattice.system().classicSystem())
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    String node = lattice.system().settings().config().getString("lattice.node.name");
    String agent =
        PersistenceId.of(WorkerAgent.ENTITY_TYPE, node + "." + CrashWorkload.CAPABILITY).id();
    List<Object> events =
        Await.result(
            journal
                .currentEventsByPersistenceId(agent, 0, Long.MAX_VALUE)
                .map(EventEnvelope::event)
                .runWith(Sink.seq(), lattice.system()));
    Set<String> keys = new HashSet<>();
    for (Object event : events) {
      // The second node's records are all stamped after the kill.
      if (event instanceof WorkerAgent.ResultsRecorded recorded && recorded.at().isBefore(killed)) {
        recorded.results().forEach(r -> keys.add(r.idempotencyKey()));
      }
    }
    return keys;
  }

  /** Starts the workload in a child JVM, waits until it is in flight as planned, kills it. */
  private FirstNode runAndKill(TestJournal journal, Path executions) throws Exception {
    List<String> jvmOptions = new ArrayList<>(List.of("-Xmx512m"));
    jvmOptions.addAll(journal.jvmOptions());
    try (ChildJvm node =
        ChildJvm.start(
            logs.resolve("node.log"),
            DurableCrashDriver.class.getName(),
            jvmOptions,
            data.toString(),
            executions.toString())) {
      node.awaitLine(line -> line.startsWith("READY "), CHILD_DEADLINE);
      Instant killed = Instant.now();
      node.kill();
      Map<String, Kind> runs = new LinkedHashMap<>();
      Set<String> signalled = new HashSet<>();
      for (String line : node.lines()) {
        String[] parts = line.split(" ");
        if (parts[0].equals("ACK")) {
          runs.put(parts[2], Kind.valueOf(parts[1]));
        } else if (parts[0].equals("SIGNALLED")) {
          signalled.add(parts[1]);
        }
      }
      return new FirstNode(runs, signalled, killed);
    }
  }

  /** Approves every signal run (the second approval of two-signal runs), checking the answer. */
  private static void signalAfterRestart(LatticeClient client, Map<String, Kind> runs) {
    Map<String, String> approvals = new LinkedHashMap<>();
    runs.forEach(
        (runId, kind) -> {
          if (kind == Kind.SIGNAL) {
            approvals.put(runId, "approval");
          } else if (kind == Kind.TWO_SIGNALS) {
            approvals.put(runId, "finance");
          }
        });
    Map<String, CompletableFuture<RunView>> answers = new LinkedHashMap<>();
    approvals.forEach(
        (runId, stepId) ->
            answers.put(
                runId,
                client
                    .signal(
                        RunId.of(runId),
                        CrashWorkload.SIGNAL,
                        new SignalRequest(
                            // Only the two-signal runs have two steps waiting for the name.
                            stepId.equals("finance") ? stepId : null,
                            json("{'by': '" + stepId + "'}"),
                            "crash-test",
                            "approved after the restart"))
                    .toCompletableFuture()));
    answers.forEach(
        (runId, answer) ->
            assertThat(step(Await.result(answer), approvals.get(runId)).status())
                .as("run %s after its signal", runId)
                .isEqualTo(StepStatus.SUCCEEDED));
  }

  /**
   * Waits until the run index holds no unfinished run; on time-out, fails with the state of a few
   * of those left.
   */
  private static void awaitAllEnded(Lattice lattice) {
    LatticeClient client = lattice.client();
    try {
      Await.until(() -> unfinished(client, 1).isEmpty(), END_DEADLINE);
    } catch (AssertionError e) {
      StringBuilder left = new StringBuilder("runs still unfinished, for example:");
      for (String runId : unfinished(client, UNFINISHED_SHOWN)) {
        RunView view = Await.result(client.run(RunId.of(runId)));
        List<RunEvent> events =
            Await.result(
                client
                    .events(RunId.of(runId), 1)
                    .take(view.lastSeq())
                    .runWith(Sink.seq(), lattice.system()));
        left.append("\n").append(view).append("\n  ").append(events);
      }
      throw new AssertionError(left.toString(), e);
    }
  }

  /** Up to {@code limit} runs of each unfinished status in the run index. */
  private static List<String> unfinished(LatticeClient client, int limit) {
    List<String> unfinished = new ArrayList<>();
    for (RunStatus status : List.of(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.PAUSED)) {
      Await.result(client.runs(new RunQuery(status, null, null, limit)))
          .runs()
          .forEach(r -> unfinished.add(r.runId()));
    }
    return unfinished;
  }

  private static void checkEnd(
      Kind kind, RunView view, List<RunEvent> events, FirstNode first, Instant up) {
    String run = kind + " run " + view.runId();
    assertThat(view.status()).as(run).isEqualTo(kind.ends);
    switch (kind) {
      case TIMER -> {
        RunEvent waiting = event(events, RunEventType.STEP_WAITING, "nap");
        Instant until = Instant.parse(waiting.data().get("until").asText());
        long planned = Duration.between(waiting.timestamp(), until).toMillis();
        assertThat(step(view, "nap").output().get("waitedMs").asLong()).as(run).isEqualTo(planned);
      }
      case SIGNAL -> {
        assertThat(at(events, RunEventType.STEP_SIGNALLED, "approval")).as(run).isAfter(up);
        assertThat(view.output())
            .as(run)
            .isEqualTo(json("{'ship': {'approval': {'by': 'approval'}}}"));
      }
      case TWO_SIGNALS -> {
        assertThat(first.signalled()).as(run).contains(view.runId());
        assertThat(at(events, RunEventType.STEP_SIGNALLED, "legal"))
            .as(run)
            .isBefore(first.killed());
        assertThat(at(events, RunEventType.STEP_SIGNALLED, "finance")).as(run).isAfter(up);
        assertThat(view.output())
            .as(run)
            .isEqualTo(json("{'ship': {'legal': {'by': 'legal'}, 'finance': {'by': 'finance'}}}"));
      }
      case SIGNAL_TIMEOUT -> {
        assertThat(view.cause().stepId()).as(run).isEqualTo("approval");
        assertThat(view.cause().errorClass()).as(run).isEqualTo(ErrorClass.TIMEOUT);
      }
      case RETRY -> assertThat(step(view, "flaky").attempts()).as(run).isEqualTo(3);
      case RETRY_EXHAUSTED -> {
        assertThat(view.cause().stepId()).as(run).isEqualTo("flaky");
        assertThat(view.cause().errorClass()).as(run).isEqualTo(ErrorClass.AGENT_ERROR);
        assertThat(view.cause().attempts()).as(run).isEqualTo(3);
      }
      case PLAIN -> assertThat(step(view, "done").status()).as(run).isEqualTo(StepStatus.SUCCEEDED);
    }
  }

  /**
   * No deadline is acted on early, and each within {@link #ON_TIME_TOLERANCE} of its time, but for
   * the second node's {@link #CATCH_UP} after it came up.
   */
  private static void checkFirings(List<Firing> firings, Restart restart) {
    for (Firing firing : firings) {
      assertThat(firing.early()).as("acted on before it was due: %s", firing).isFalse();
      Instant latest = firing.due().plus(ON_TIME_TOLERANCE);
      if (firing.when() != When.BEFORE_THE_KILL && latest.isBefore(restart.caughtUp())) {
        latest = restart.caughtUp();
      }
      assertThat(firing.fired()).as("in time: %s", firing).isBeforeOrEqualTo(latest);
    }
  }

  private static StepView step(RunView view, String id) {
    return view.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  private static RunEvent event(List<RunEvent> events, String type, String stepId) {
    List<RunEvent> found =
        events.stream().filter(e -> type.equals(e.type()) && stepId.equals(e.stepId())).toList();
    assertThat(found).as("%s of %s", type, stepId).hasSize(1);
    return found.get(0);
  }

  private static Instant at(List<RunEvent> events, String type, String stepId) {
    return event(events, type, stepId).timestamp();
  }

  private static List<RunEvent> events(Lattice lattice, String runId) {
    return Await.result(
        lattice.client().events(RunId.of(runId), 1).runWith(Sink.seq(), lattice.system()));
  }
}
