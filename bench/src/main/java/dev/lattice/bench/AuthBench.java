package dev.lattice.bench;

import dev.lattice.orchestrator.http.HttpApi;
import dev.lattice.orchestrator.http.HttpSettings;
import dev.lattice.orchestrator.http.auth.AdminKeyFile;
import dev.lattice.orchestrator.http.auth.AuthSettings;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.json.LatticeJson;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * W or W2 over HTTP with authentication on and off, side by side on one node: two APIs of the same
 * node, one that checks a tenant submitter's key on every request and one without authentication,
 * driven in alternating rounds so that both see the same machine (on a shared machine, throughput
 * drifts by tens of percent within minutes). Reports the median throughput of each's rounds and
 * each's latency percentiles.
 */
final class AuthBench {
  private static final String TENANT = "bench";

  /** Reads of a run's state per API for the per-request figure (after as many to warm up). */
  private static final int READS = 10_000;

  private AuthBench() {}

  static String run(
      Workload workload,
      Path directory,
      int runs,
      int rounds,
      int concurrency,
      int warmup,
      Duration jitSettle,
      int payloadBytes,
      PrintStream out)
      throws Exception {
    out.printf(
        "%n== workload %s over HTTP, authentication on and off: %d alternating rounds of %d runs"
            + " each, concurrency %d, journal %s%n",
        workload, rounds, runs, concurrency, directory);
    ExecuteRequest request =
        ExecuteRequest.plan(workload.plan(), Workload.payload(payloadBytes))
            .withTenant(TenantId.of(TENANT));
    byte[] body = LatticeJson.mapper().writeValueAsBytes(request);
    try (Lattice node =
        Lattice.builder().dataDirectory(directory).config(SseFollower.CONFIG).start()) {
      AuthSettings configured = AuthSettings.create(node.system().settings().config());
      HttpSettings http = HttpSettings.create(node.system().settings().config());
      HttpApi.Server secured =
          HttpApi.start(node, http.withAddress("127.0.0.1", 0), configured.withEnabled(true));
      HttpApi.Server open =
          HttpApi.start(node, http.withAddress("127.0.0.1", 0), configured.withEnabled(false));
      HttpClient client = HttpClient.newHttpClient();
      SseFollower.Api admin =
          new SseFollower.Api(
              secured.url(), AdminKeyFile.read(secured.auth().adminKeyFile()).orElseThrow());
      SseFollower.Api on =
          new SseFollower.Api(secured.url(), HttpRunner.submitterKey(client, admin, TENANT));
      SseFollower.Api off = new SseFollower.Api(open.url(), null);
      out.println(
          JitWarmup.run(
                  n ->
                      HttpRunner.drive(client, on, body, n / 2, concurrency, null)
                          + HttpRunner.drive(client, off, body, n - n / 2, concurrency, null),
                  warmup,
                  jitSettle)
              .describe());
      // One request's authentication and tenant check: a run's state, read on both in turn.
      String run = HttpRunner.execute(client, on, body);
      LatencyRecorder onReads = new LatencyRecorder();
      LatencyRecorder offReads = new LatencyRecorder();
      HttpRunner.alternateReads(
          client,
          on,
          off,
          "/api/v1/runs/" + run,
          READS,
          new LatencyRecorder(),
          new LatencyRecorder());
      HttpRunner.alternateReads(client, on, off, "/api/v1/runs/" + run, READS, onReads, offReads);
      out.printf(
          Locale.ROOT,
          "reads of a run's state, alternating: auth on p50 %.3f ms, off p50 %.3f ms%n",
          onReads.millisAt(50),
          offReads.millisAt(50));
      LatencyRecorder onLatencies = new LatencyRecorder();
      LatencyRecorder offLatencies = new LatencyRecorder();
      if (concurrency == 1) {
        // Latency at run granularity: each run on the other API than the one before.
        HttpRunner.alternate(client, on, off, body, 2 * runs * rounds, onLatencies, offLatencies);
      }
      List<Double> onRates = new ArrayList<>();
      List<Double> offRates = new ArrayList<>();
      for (int round = 1; concurrency > 1 && round <= rounds; round++) {
        // Which goes first alternates too, so that neither always follows the other.
        boolean onFirst = round % 2 == 1;
        for (int half = 0; half < 2; half++) {
          boolean withAuth = onFirst == (half == 0);
          double seconds =
              HttpRunner.drive(
                  client,
                  withAuth ? on : off,
                  body,
                  runs,
                  concurrency,
                  withAuth ? onLatencies : offLatencies);
          (withAuth ? onRates : offRates).add(runs / seconds);
        }
        out.printf(
            Locale.ROOT,
            "round %d: auth on %.0f runs/s, off %.0f runs/s%n",
            round,
            onRates.get(round - 1),
            offRates.get(round - 1));
      }
      String throughput =
          onRates.isEmpty()
              ? ""
              : String.format(
                  Locale.ROOT,
                  " auth_on_runs_per_s=%.0f auth_off_runs_per_s=%.0f throughput_change=%+.1f%%",
                  BenchCommand.median(onRates),
                  BenchCommand.median(offRates),
                  100
                      * (BenchCommand.median(onRates) - BenchCommand.median(offRates))
                      / BenchCommand.median(offRates));
      String latency =
          onLatencies.count() == 0
              ? ""
              : String.format(
                  Locale.ROOT,
                  " auth_on_p50_ms=%.2f auth_off_p50_ms=%.2f p50_change_ms=%+.2f"
                      + " auth_on_p95_ms=%.2f auth_off_p95_ms=%.2f",
                  onLatencies.millisAt(50),
                  offLatencies.millisAt(50),
                  onLatencies.millisAt(50) - offLatencies.millisAt(50),
                  onLatencies.millisAt(95),
                  offLatencies.millisAt(95));
      return String.format(
          Locale.ROOT,
          "workload=%s over_http runs=%d rounds=%d concurrency=%d%s%s read_p50_on_ms=%.3f"
              + " read_p50_off_ms=%.3f read_p50_change_ms=%+.3f",
          workload,
          runs,
          rounds,
          concurrency,
          throughput,
          latency,
          onReads.millisAt(50),
          offReads.millisAt(50),
          onReads.millisAt(50) - offReads.millisAt(50));
    }
  }
}
