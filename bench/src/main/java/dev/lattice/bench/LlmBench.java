package dev.lattice.bench;

import dev.lattice.modelserver.ModelServerSettings;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.ServedAnswer;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.persistence.journal.JournalDatabase;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Workload L: LLM steps streaming their answers to followers. Each run holds a first step until its
 * followers are connected, then asks the scripted model server for a streamed answer (20 ms to the
 * first token, then 100 tokens 2 ms apart; the server runs in this process on its own actor system,
 * whose 1 ms scheduler tick keeps those pauses).
 *
 * <p>Lattice's overhead per LLM step is the time from the run's decision to dispatch it (the time
 * of the held step's {@code step.succeeded}, which the run records as it decides) to the arrival of
 * its {@code step.succeeded} at the run's first follower, minus the server's own time for the
 * request (from its arrival at the server to the answer's last byte): dispatching, the worker, the
 * client, persisting the result and delivering it. A delta's latency is from its receipt by the
 * worker's client (the {@code at} the delta carries) to its arrival at a follower. CPU is the
 * process's without the model server's and the bench's HTTP client threads. Journal figures per LLM
 * step are those of the LLM runs minus those of the same number of runs of the held step alone.
 */
final class LlmBench {
  /** The scripted model server's threads: those of its own actor system. */
  private static final String MODEL_SERVER_SYSTEM = "model-server-";

  private static final String CLIENT_THREAD_PREFIX = "bench-llm-client-";
  private static final List<String> NOT_THE_NODE =
      List.of(MODEL_SERVER_SYSTEM, CLIENT_THREAD_PREFIX, "HttpClient-");
  private static final int CLIENT_THREADS = 2;

  private LlmBench() {}

  static String run(
      Path directory, int runs, int concurrency, int followersPerRun, int warmup, PrintStream out)
      throws Exception {
    out.printf(
        "%n== workload L: %d runs of one streamed LLM step (%d tokens, first after %d ms, then %d ms"
            + " apart), concurrency %d, %d followers per run, journal %s%n",
        runs,
        LlmScript.TOKENS,
        LlmScript.FIRST_TOKEN_MS,
        LlmScript.TOKEN_GAP_MS,
        concurrency,
        followersPerRun,
        directory);
    ExecutorService clientThreads = SseFollower.clientThreads(CLIENT_THREAD_PREFIX, CLIENT_THREADS);
    HeldSteps held = new HeldSteps();
    try (ScriptedModelServer models =
            ScriptedModelServer.start(LlmScript.script(), ModelServerSettings.loopback());
        Lattice node =
            Lattice.builder()
                .config(SseFollower.CONFIG)
                .dataDirectory(directory)
                .config(LlmScript.nodeConfig(models.baseUrl(), concurrency))
                .action(LlmScript.HOLD, held, concurrency * 2)
                .start()) {
      SseFollower.Api url = SseFollower.serve(node);
      HttpClient http = HttpClient.newBuilder().executor(clientThreads).build();
      LlmRuns driver = new LlmRuns(node.client(), http, url, held, followersPerRun);
      JournalDatabase db = JournalDatabase.of(BenchCommand.urlOf(node), "sa", "");

      driver.drive(LlmScript.heldOnly(), 0, warmup, concurrency, new LlmRuns.Figures());
      long before = JournalRows.lastOrdering(db.url(), db.user(), db.password());
      driver.drive(LlmScript.heldOnly(), warmup, runs, concurrency, new LlmRuns.Figures());
      JournalRows.Written control = JournalRows.after(db.url(), db.user(), db.password(), before);

      driver.drive(LlmScript::llmRun, runs + warmup, warmup, concurrency, new LlmRuns.Figures());
      LlmRuns.Figures figures = new LlmRuns.Figures();
      before = JournalRows.lastOrdering(db.url(), db.user(), db.password());
      long cpuBefore = ThreadCpu.process();
      long othersBefore = ThreadCpu.of(NOT_THE_NODE);
      long started = System.nanoTime();
      int first = runs + 2 * warmup;
      driver.drive(LlmScript::llmRun, first, runs, concurrency, figures);
      double seconds = (System.nanoTime() - started) / 1e9;
      long nodeCpu = ThreadCpu.process() - cpuBefore - (ThreadCpu.of(NOT_THE_NODE) - othersBefore);
      JournalRows.Written written = JournalRows.after(db.url(), db.user(), db.password(), before);

      Map<Integer, Duration> serverTimes = new HashMap<>();
      for (ServedAnswer answer : models.answers()) {
        LlmScript.runOf(answer.request()).ifPresent(n -> serverTimes.put(n, answer.took()));
      }
      LatencyRecorder overhead = figures.overhead(serverTimes);
      double rowsPerStep = (written.rows() - control.rows()) / (double) runs;
      double bytesPerStep = (written.bytes() - control.bytes()) / (double) runs;
      double cpuPerThousandDeltas = nodeCpu / 1e6 / (figures.deltas() / 1000.0);
      double cpuPerThousandTokens = nodeCpu / 1e6 / (runs * (double) LlmScript.TOKENS / 1000.0);
      out.printf(
          "lattice: %d runs in %.1f s; overhead per LLM step p50 %.2f ms, p95 %.2f ms, p99 %.2f ms"
              + " (step end to end p50 %.2f ms, server p50 %.2f ms)%n",
          runs,
          seconds,
          overhead.millisAt(50),
          overhead.millisAt(95),
          overhead.millisAt(99),
          figures.endToEnd().millisAt(50),
          median(serverTimes));
      out.printf(
          "deltas: %d delivered to followers (%d tokens streamed), latency p50 %.2f ms, p99 %.2f"
              + " ms; node CPU %.0f ms, %.1f ms per 1,000 deltas delivered, %.1f ms per 1,000"
              + " tokens%n",
          figures.deltas(),
          runs * LlmScript.TOKENS,
          figures.deltaLatency().millisAt(50),
          figures.deltaLatency().millisAt(99),
          nodeCpu / 1e6,
          cpuPerThousandDeltas,
          cpuPerThousandTokens);
      out.printf(
          "journal: %.1f rows and %.0f bytes per LLM step (%.1f rows per run, %.1f per run of the"
              + " held step alone)%n",
          rowsPerStep,
          bytesPerStep,
          written.rows() / (double) runs,
          control.rows() / (double) runs);
      return String.format(
          Locale.ROOT,
          "workload=L runs=%d concurrency=%d followers_per_run=%d overhead_p50_ms=%.2f"
              + " overhead_p99_ms=%.2f delta_p50_ms=%.2f delta_p99_ms=%.2f deltas=%d"
              + " cpu_ms_per_1000_deltas=%.1f cpu_ms_per_1000_tokens=%.1f"
              + " journal_rows_per_llm_step=%.1f journal_bytes_per_llm_step=%.0f",
          runs,
          concurrency,
          followersPerRun,
          overhead.millisAt(50),
          overhead.millisAt(99),
          figures.deltaLatency().millisAt(50),
          figures.deltaLatency().millisAt(99),
          figures.deltas(),
          cpuPerThousandDeltas,
          cpuPerThousandTokens,
          rowsPerStep,
          bytesPerStep);
    } finally {
      held.releaseAll();
      clientThreads.shutdownNow();
    }
  }

  private static double median(Map<Integer, Duration> times) {
    LatencyRecorder recorder = new LatencyRecorder();
    times.values().forEach(d -> recorder.record(d.toNanos()));
    return recorder.millisAt(50);
  }
}
