package dev.lattice.bench;

import dev.lattice.orchestrator.cli.LatticeSubcommand;
import dev.lattice.orchestrator.http.HttpApi;
import dev.lattice.orchestrator.http.HttpSettings;
import dev.lattice.orchestrator.http.auth.AdminKeyFile;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lattice bench}: runs workloads on an embedded node over a fresh H2 file, then, on the same
 * file and settings, the plain-JDBC floor and ceiling they are measured against.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Measure throughput and latency of workloads W and W2 against plain-JDBC baselines, live"
            + " followers (F), streamed LLM steps (L) and the journal bytes of long conversations"
            + " (P).")
public final class BenchCommand implements Callable<Integer>, LatticeSubcommand {

  @Option(
      names = "--workload",
      split = ",",
      defaultValue = "W",
      description =
          "W, W2, F (live followers), L (LLM steps), P (journal bytes of long conversations), or"
              + " several, e.g. W,W2.")
  List<Workload> workloads;

  @Option(names = "--runs", defaultValue = "2000", description = "Measured runs per round.")
  int runs;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description = "Rounds of Lattice then floor; figures are medians over rounds.")
  int rounds;

  @Option(names = "--concurrency", defaultValue = "64", description = "Concurrent submitters.")
  int concurrency;

  @Option(
      names = "--warmup",
      defaultValue = "2000",
      description =
          "Fewest runs before measuring; W and W2 then warm up until the JIT compilers take"
              + " under 3 percent of a 2 s batch, for at most --jit-settle-seconds.")
  int warmup;

  @Option(
      names = "--payload-bytes",
      defaultValue = "100",
      description = "Size of each run's payload.")
  int payloadBytes;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Where to create the fresh journal files (default: a temporary directory).")
  Path data;

  @Option(
      names = "--followers",
      defaultValue = "1000",
      description = "Workload F: idle followers connected to other runs.")
  int followers;

  @Option(
      names = "--followers-per-run",
      defaultValue = "10",
      description = "Workload L: followers of each run, connected before its LLM step starts.")
  int followersPerRun;

  @Option(
      names = "--idle-seconds",
      defaultValue = "10",
      description = "Workload F: how long CPU is measured with and without the idle followers.")
  int idleSeconds;

  @Option(
      names = "--jit-settle-seconds",
      defaultValue = "120",
      description =
          "The longest to wait for the JIT to go quiet: W and W2 warm up for at most this long,"
              + " F waits at most this long before measuring CPU.")
  int jitSettleSeconds;

  @Option(
      names = "--policies",
      description =
          "W and W2 with every dispatcher policy in force and passed by every step: model and tool"
              + " allow-lists, step, run and tenant budgets (reserved and settled per attempt),"
              + " priced usage.")
  boolean policies;

  @Option(
      names = "--steps",
      split = ",",
      defaultValue = "25,50,100",
      description = "Workload P: the conversation lengths to run, in llm steps.")
  List<Integer> conversationSteps;

  @Option(
      names = "--answer-bytes",
      defaultValue = "10000",
      description = "Workload P: the size of each scripted answer.")
  int answerBytes;

  @Option(names = "--keep", description = "Keep the journal files afterwards.")
  boolean keep;

  @Option(
      names = "--http",
      description =
          "Workloads W, W2 and W3: start runs through the node's HTTP API on loopback (POST"
              + " /api/v1/execute) instead of the embedded client; runs are awaited the same way.")
  boolean overHttp;

  @Option(
      names = "--api-key",
      description =
          "With --http: the key to send as Authorization: Bearer (default: the admin key the"
              + " node's first start wrote to its data directory).")
  String apiKey;

  @Option(
      names = "--compare-auth",
      description =
          "W and W2 over HTTP on one node with two APIs, one with authentication (a tenant's"
              + " submitter key) and one without, alternating run by run (C=1) or in rounds;"
              + " reports both, and the latency of one request on each.")
  boolean compareAuth;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    Path root =
        data != null ? Files.createDirectories(data) : Files.createTempDirectory("lattice-bench");
    List<String> summaries = new ArrayList<>();
    for (Workload workload : workloads) {
      Path directory =
          Files.createDirectories(
              root.resolve(
                  "bench-"
                      + workload.name().toLowerCase(Locale.ROOT)
                      + "-"
                      + System.currentTimeMillis()));
      try {
        summaries.add(
            switch (workload) {
              case F ->
                  FollowerBench.run(
                      directory,
                      followers,
                      runs,
                      warmup,
                      Duration.ofSeconds(idleSeconds),
                      Duration.ofSeconds(jitSettleSeconds),
                      out);
              case L -> LlmBench.run(directory, runs, concurrency, followersPerRun, warmup, out);
              case P -> PayloadBench.run(directory, conversationSteps, answerBytes, out);
              default ->
                  compareAuth
                      ? AuthBench.run(
                          workload,
                          directory,
                          runs,
                          rounds,
                          concurrency,
                          warmup,
                          Duration.ofSeconds(jitSettleSeconds),
                          payloadBytes,
                          out)
                      : bench(workload, directory, out);
            });
      } finally {
        if (!keep) {
          deleteTree(directory);
        }
      }
    }
    out.println();
    summaries.forEach(out::println);
    return 0;
  }

  /** How runs are started: through the embedded client, or with --http through the API. */
  private Function<ExecuteRequest, CompletionStage<RunId>> starter(Lattice node, PrintStream out) {
    if (!overHttp) {
      return r -> node.client().execute(r).thenApply(RunAccepted::runId);
    }
    HttpApi.Server server =
        HttpApi.start(
            node,
            HttpSettings.create(node.system().settings().config())
                .withAddress(InetAddress.getLoopbackAddress().getHostAddress(), 0));
    String api = server.url();
    out.println("runs start through the HTTP API at " + api);
    HttpSubmitter http =
        new HttpSubmitter(
            api,
            apiKey != null ? apiKey : AdminKeyFile.read(server.auth().adminKeyFile()).orElse(null));
    return http::execute;
  }

  private String bench(Workload workload, Path directory, PrintStream out) throws Exception {
    out.printf(
        "%n== workload %s: %d rounds of %d runs (after at least %d warm-up runs) of %d steps,"
            + " concurrency %d, journal %s%n",
        workload, rounds, runs, warmup, workload.steps(), concurrency, directory);
    var request =
        ExecuteRequest.plan(
            policies ? BenchPolicies.plan(workload.plan()) : workload.plan(),
            Workload.payload(payloadBytes));
    LatencyRecorder latencies = new LatencyRecorder();
    List<Double> lattice = new ArrayList<>();
    List<Double> floors = new ArrayList<>();
    List<Long> rows = new ArrayList<>();
    List<Integer> payloadSizes = new ArrayList<>();
    Map<String, Long> rowsByKind = new TreeMap<>();
    JournalDatabase db;
    Lattice.Builder builder = Lattice.builder().dataDirectory(directory).config(SseFollower.CONFIG);
    if (policies) {
      builder
          .config(BenchPolicies.config())
          .namedAction(BenchPolicies.ACTION, BenchPolicies.action());
    }
    try (Lattice node = builder.start()) {
      db = JournalDatabase.of(urlOf(node), "sa", "");
      Function<ExecuteRequest, CompletionStage<RunId>> start = starter(node, out);
      out.println(
          JitWarmup.run(
                  n -> LatticeRunner.drive(node.client(), start, request, n, concurrency, null),
                  warmup,
                  Duration.ofSeconds(jitSettleSeconds))
              .describe());
      // Rounds alternate Lattice and the floor on the same file, so that both see the same
      // machine: on a shared machine, throughput drifts by tens of percent within minutes.
      for (int round = 1; round <= rounds; round++) {
        long before = JournalRows.lastOrdering(db.url(), db.user(), db.password());
        double seconds =
            LatticeRunner.drive(node.client(), start, request, runs, concurrency, latencies);
        JournalRows.Written written = JournalRows.after(db.url(), db.user(), db.password(), before);
        written.byKind().forEach((k, v) -> rowsByKind.merge(k, v, Long::sum));
        rows.add(written.rows());
        lattice.add(runs / seconds);
        // The floor writes rows the size of Lattice's own in this round.
        byte[] payload = new byte[written.averagePayload()];
        payloadSizes.add(payload.length);
        if (round == 1) {
          FloorBaseline.runsPerSecond(
              db.url(),
              db.user(),
              db.password(),
              "floor-warmup-",
              Math.min(warmup, runs),
              workload.steps(),
              concurrency,
              payload);
        }
        floors.add(
            FloorBaseline.runsPerSecond(
                db.url(),
                db.user(),
                db.password(),
                "floor-" + round + "-",
                runs,
                workload.steps(),
                concurrency,
                payload));
        out.printf(
            "round %d: lattice %.0f runs/s, floor %.0f runs/s (%d autocommitted inserts per run, %d"
                + " threads, %d-byte rows)%n",
            round,
            lattice.get(round - 1),
            floors.get(round - 1),
            workload.steps(),
            concurrency,
            payload.length);
      }
      if (policies) {
        // Every attempt was settled with the tenant's ledger at its priced usage: this shows it.
        node.client()
            .tenantUsage(TenantId.DEFAULT)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS)
            .ifPresent(
                usage ->
                    out.printf(
                        "policies: tenant %s spent %d tokens, %s USD%n",
                        usage.tenant(),
                        usage.used().tokens(),
                        usage.used().costUsd().toPlainString()));
      }
    }
    double runsPerSecond = median(lattice);
    double floor = median(floors);
    double rowsPerRun = rows.stream().mapToLong(Long::longValue).sum() / (double) (runs * rounds);
    long roundRows = Math.round(rowsPerRun * runs);
    out.printf(
        "lattice: %.0f runs/s (median of rounds), p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, %.1f"
            + " journal rows per run (",
        runsPerSecond,
        latencies.millisAt(50),
        latencies.millisAt(95),
        latencies.millisAt(99),
        rowsPerRun);
    List<String> parts = new ArrayList<>();
    rowsByKind.forEach(
        (kind, count) ->
            parts.add(
                String.format(Locale.ROOT, "%s %.2f", kind, count / (double) (runs * rounds))));
    out.println(String.join(", ", parts) + ")");
    byte[] payload =
        new byte[(int) payloadSizes.stream().mapToInt(Integer::intValue).average().orElse(1)];
    double ceiling =
        CeilingBaseline.rowsPerSecond(
            db.url(), db.user(), db.password(), "ceiling-", roundRows, payload);
    out.printf(
        "ceiling: %.0f rows/s (%d rows in batches of %d, %d threads); lattice wrote %.0f rows/s%n",
        ceiling,
        roundRows,
        CeilingBaseline.BATCH,
        CeilingBaseline.THREADS,
        rowsPerRun * runsPerSecond);
    return String.format(
        Locale.ROOT,
        "workload=%s%s runs=%d concurrency=%d runs_per_s=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f"
            + " rows_per_run=%.1f floor_runs_per_s=%.0f ratio=%.2f ceiling_rows_per_s=%.0f",
        workload,
        policies ? " policies=on" : "",
        runs,
        concurrency,
        runsPerSecond,
        latencies.millisAt(50),
        latencies.millisAt(95),
        latencies.millisAt(99),
        rowsPerRun,
        floor,
        runsPerSecond / floor,
        ceiling);
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  static String urlOf(Lattice lattice) {
    // The same URL (and so the same H2 settings) as the node's journal.
    return lattice
        .system()
        .settings()
        .config()
        .getString("pekko-persistence-jdbc.shared-databases.slick.db.url");
  }

  private static void deleteTree(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
