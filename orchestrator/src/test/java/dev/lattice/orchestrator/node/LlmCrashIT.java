package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.modelserver.RecordedRequest;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.ChildJvm;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.api.TenantUsage;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.run.RunEvent;
import dev.lattice.protocol.run.RunEventType;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunView;
import dev.lattice.protocol.run.StepView;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node in its own JVM is killed with SIGKILL while 20 LLM steps stream their answers from the
 * scripted model server (which runs in the test's JVM, so it outlives the node). A new node on the
 * same journal must complete every run, never call the model again for a step that had finished,
 * and count every step's usage once: in the step, in its run, and in the tenant's ledger.
 */
class LlmCrashIT {
  private static final Duration CHILD_DEADLINE = Duration.ofSeconds(120);
  private static final Duration END_DEADLINE = Duration.ofSeconds(120);

  /** How long one slow answer streams: every slow request the kill finds began within it. */
  private static final Duration SLOW_ANSWER =
      Duration.ofMillis(LlmCrashWorkload.SLOW_WORDS * LlmCrashWorkload.TOKEN_DELAY_MS);

  @TempDir Path data;
  @TempDir Path logs;
  private ScriptedModelServer models;

  @BeforeEach
  void startModels() {
    models = ScriptedModelServer.start(LlmCrashWorkload.script());
  }

  @AfterEach
  void stopModels() {
    models.close();
  }

  @Test
  void everyRunCompletesAfterAKillMidStreamAndNoFinishedStepIsCalledOrCountedTwice()
      throws Exception {
    Map<Integer, RunId> runs = new TreeMap<>();
    Instant killed = runAndKillWhileStreaming(runs);
    assertThat(runs).hasSize(LlmCrashWorkload.RUNS);

    try (Lattice second =
        Lattice.builder()
            .dataDirectory(data)
            .config(LlmCrashWorkload.nodeConfig(models.baseUrl()))
            .start()) {
      LatticeClient client = second.client();
      Map<Integer, RunView> views = new TreeMap<>();
      for (Map.Entry<Integer, RunId> run : runs.entrySet()) {
        views.put(run.getKey(), Await.result(client.awaitTerminal(run.getValue()), END_DEADLINE));
      }
      List<RecordedRequest> requests = models.requests();
      long tokens = 0;
      for (Map.Entry<Integer, RunView> run : views.entrySet()) {
        int n = run.getKey();
        RunView view = run.getValue();
        List<RunEvent> events =
            Await.result(client.events(runs.get(n), 1).runWith(Sink.seq(), second.system()));
        checkRun(n, view, events, requests, killed);
        tokens += view.usage().promptTokens() + view.usage().completionTokens();
      }
      long perRun = total(LlmCrashWorkload.QUICK_USAGE) + total(LlmCrashWorkload.SLOW_USAGE);
      assertThat(tokens).as("tokens of all runs").isEqualTo(perRun * LlmCrashWorkload.RUNS);
      Await.until(() -> used(client) == perRun * LlmCrashWorkload.RUNS, Duration.ofSeconds(30));
    }
  }

  /**
   * Starts the runs in a child JVM, waits until the model server streams every run's slow answer,
   * and kills the child then; returns when.
   */
  private Instant runAndKillWhileStreaming(Map<Integer, RunId> runs) throws Exception {
    try (ChildJvm node =
        ChildJvm.start(
            logs.resolve("node.log"),
            LlmCrashDriver.class.getName(),
            List.of("-Xmx512m"),
            data.toString(),
            models.baseUrl().toString())) {
      node.awaitLines(line -> line.startsWith("ACK "), LlmCrashWorkload.RUNS, CHILD_DEADLINE);
      Await.until(() -> slowRequests().size() == LlmCrashWorkload.RUNS, CHILD_DEADLINE);
      Instant killed = Instant.now();
      node.kill();
      for (String line : node.lines()) {
        String[] parts = line.split(" ");
        if (parts[0].equals("ACK")) {
          runs.put(Integer.parseInt(parts[1]), RunId.of(parts[2]));
        }
      }
      // Every slow answer was still streaming at the kill: none can have ended before it.
      assertThat(slowRequests())
          .allSatisfy(r -> assertThat(r.time()).isAfter(killed.minus(SLOW_ANSWER)));
      return killed;
    }
  }

  private List<RecordedRequest> slowRequests() {
    return models.requests().stream()
        .filter(r -> r.body() != null && r.body().toString().contains(LlmCrashWorkload.SLOW))
        .toList();
  }

  private static void checkRun(
      int n, RunView view, List<RunEvent> events, List<RecordedRequest> requests, Instant killed) {
    String run = "run " + n + " (" + view.runId() + ")";
    assertThat(view.status()).as(run).isEqualTo(RunStatus.COMPLETED);
    assertThat(step(view, "second").output().get("text").asText())
        .as(run)
        .isEqualTo(LlmCrashWorkload.SLOW_TEXT);

    Map<String, Instant> succeeded = new TreeMap<>();
    for (RunEvent event : events) {
      if (RunEventType.STEP_SUCCEEDED.equals(event.type())) {
        assertThat(succeeded.put(event.stepId(), event.timestamp()))
            .as("%s: %s succeeded more than once", run, event.stepId())
            .isNull();
      }
    }
    assertThat(succeeded).as(run).containsOnlyKeys("first", "second");
    assertThat(succeeded.get("first")).as(run).isBefore(killed);

    // A step that had finished before the kill is never asked of the model again.
    for (Map.Entry<String, Instant> done : succeeded.entrySet()) {
      if (done.getValue().isBefore(killed)) {
        List<Instant> calls = callsOf(requests, n, done.getKey());
        assertThat(calls).as("%s: calls of %s", run, done.getKey()).hasSize(1);
        assertThat(calls.get(0)).as(run).isBefore(killed);
      }
    }

    // Usage is the one answer each step got, however many calls the kill cost.
    checkUsage(run + " first", step(view, "first").usage(), LlmCrashWorkload.QUICK_USAGE);
    checkUsage(run + " second", step(view, "second").usage(), LlmCrashWorkload.SLOW_USAGE);
    assertThat(view.usage().promptTokens())
        .as(run)
        .isEqualTo(
            LlmCrashWorkload.QUICK_USAGE.promptTokens()
                + LlmCrashWorkload.SLOW_USAGE.promptTokens());
    assertThat(view.usage().completionTokens())
        .as(run)
        .isEqualTo(
            LlmCrashWorkload.QUICK_USAGE.completionTokens()
                + LlmCrashWorkload.SLOW_USAGE.completionTokens());
  }

  private static List<Instant> callsOf(List<RecordedRequest> requests, int n, String stepId) {
    List<Instant> calls = new ArrayList<>();
    for (RecordedRequest request : requests) {
      if (LlmCrashWorkload.stepOf(request, n).filter(stepId::equals).isPresent()) {
        calls.add(request.time());
      }
    }
    return calls;
  }

  private static void checkUsage(
      String what, Usage usage, dev.lattice.modelserver.script.Usage scripted) {
    assertThat(usage.promptTokens()).as(what).isEqualTo(scripted.promptTokens().longValue());
    assertThat(usage.completionTokens())
        .as(what)
        .isEqualTo(scripted.completionTokens().longValue());
  }

  private static long total(dev.lattice.modelserver.script.Usage usage) {
    return usage.promptTokens() + usage.completionTokens();
  }

  private static long used(LatticeClient client) {
    TenantUsage usage = Await.result(client.tenantUsage(TenantId.DEFAULT)).orElseThrow();
    return usage.used().tokens();
  }

  private static StepView step(RunView view, String id) {
    return view.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }
}
