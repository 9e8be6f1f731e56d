package dev.lattice.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.StepSpec;
import dev.lattice.protocol.run.RunEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Workload F: how fast a live event reaches a follower over HTTP while many idle followers are
 * connected to other runs, and what those idle followers cost.
 *
 * <p>Idle runs each hold one step open; one Server-Sent Events follower per idle run stays
 * connected. CPU is the process's without the bench's own HTTP client threads, over a quiet
 * interval, with the followers connected and again after they left, each once the JIT compilers
 * have gone quiet. Each measured run holds its first step until its follower has the run's first
 * event; from then on every event is live, and its latency is the time from the event's timestamp
 * (when the run decided it, before writing it) to its arrival at the follower: an upper bound of
 * the time from persisted to delivered.
 */
final class FollowerBench {
  static final String HOLD = "hold";
  private static final ObjectMapper MAPPER = LatticeJson.mapper();
  private static final Duration CONNECT_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);
  private static final int CLIENT_THREADS = 2;

  /** The bench's own HTTP client threads, whose CPU is not the node's. */
  private static final String CLIENT_THREAD_PREFIX = "bench-follower-client-";

  private static final String JDK_CLIENT_THREAD_PREFIX = "HttpClient-";
  private static final List<String> CLIENT_THREADS_BY_NAME =
      List.of(CLIENT_THREAD_PREFIX, JDK_CLIENT_THREAD_PREFIX);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
  private static final Duration JIT_QUIET_WINDOW = Duration.ofSeconds(2);

  /** Compilation time per window below which the JIT counts as quiet. */
  private static final long JIT_QUIET_MILLIS = 20;

  private FollowerBench() {}

  static String run(
      Path directory,
      int followers,
      int runs,
      int warmup,
      Duration idle,
      Duration jitSettleLimit,
      PrintStream out)
      throws Exception {
    out.printf(
        "%n== workload F: %d idle followers, %d live runs, journal %s%n",
        followers, runs, directory);
    HeldSteps held = new HeldSteps();
    ExecutorService clientThreads = SseFollower.clientThreads(CLIENT_THREAD_PREFIX, CLIENT_THREADS);
    HttpClient http = HttpClient.newBuilder().executor(clientThreads).build();
    List<Flow.Subscription> streams = new ArrayList<>();
    try (Lattice node =
        Lattice.builder()
            .dataDirectory(directory)
            .config(SseFollower.CONFIG)
            .action(HOLD, held, followers + runs)
            .start()) {
      SseFollower.Api url = SseFollower.serve(node);
      LatticeClient client = node.client();
      ExecuteRequest idleRun =
          ExecuteRequest.plan(PlanSpec.of(StepSpec.agent("held", HOLD, null)), null);
      List<CompletableFuture<RunId>> started = new ArrayList<>();
      for (int i = 0; i < followers; i++) {
        started.add(client.execute(idleRun).toCompletableFuture().thenApply(a -> a.runId()));
      }
      List<RunId> idleRuns = started.stream().map(CompletableFuture::join).toList();

      CountDownLatch connected = new CountDownLatch(followers);
      for (RunId runId : idleRuns) {
        streams.add(
            follow(
                http,
                url,
                runId,
                event -> {
                  if (event.seq() == 1) {
                    connected.countDown();
                  }
                }));
      }
      if (!connected.await(CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            (followers - connected.getCount())
                + " of "
                + followers
                + " followers connected in time");
      }

      // Live runs, first unmeasured so that the JIT has compiled the path, then measured.
      LatencyRecorder latencies = new LatencyRecorder();
      liveRuns(client, http, url, held, Math.min(warmup, runs), new LatencyRecorder());
      int events = liveRuns(client, http, url, held, runs, latencies);
      out.printf(
          "live: %d events of %d runs, from event time to follower p50 %.2f ms, p95 %.2f ms, p99"
              + " %.2f ms%n",
          events, runs, latencies.millisAt(50), latencies.millisAt(95), latencies.millisAt(99));

      int open = client.state().toCompletableFuture().join().eventStreams();
      awaitQuietJit(jitSettleLimit);
      double withFollowers = cpuShareOfCore(idle);
      streams.forEach(Flow.Subscription::cancel);
      awaitNoStreams(client);
      awaitQuietJit(jitSettleLimit);
      double baseline = cpuShareOfCore(idle);
      out.printf(
          "idle: %.1f %% of a core with %d followers connected (%d streams open on the node),"
              + " %.1f %% after they left%n",
          withFollowers * 100, followers, open, baseline * 100);
      held.releaseAll();
      return String.format(
          Locale.ROOT,
          "workload=F followers=%d live_runs=%d live_events=%d p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f"
              + " idle_followers_cpu_pct_of_core=%.1f baseline_cpu_pct_of_core=%.1f",
          followers,
          runs,
          events,
          latencies.millisAt(50),
          latencies.millisAt(95),
          latencies.millisAt(99),
          Math.max(0, withFollowers - baseline) * 100,
          baseline * 100);
    } finally {
      clientThreads.shutdownNow();
    }
  }

  /**
   * Runs {@code runs} live runs one after another, each followed from its first event; records the
   * latency of every later event and returns how many there were.
   */
  private static int liveRuns(
      LatticeClient client,
      HttpClient http,
      SseFollower.Api url,
      HeldSteps held,
      int runs,
      LatencyRecorder latencies)
      throws Exception {
    ExecuteRequest liveRun = LatticeRunner.request(Workload.F, null);
    int events = 0;
    for (int i = 0; i < runs; i++) {
      RunId runId = client.execute(liveRun).toCompletableFuture().join().runId();
      CompletableFuture<Integer> done = new CompletableFuture<>();
      int[] live = new int[1];
      Flow.Subscription stream =
          follow(
              http,
              url,
              runId,
              event -> {
                if (event.seq() == 1) {
                  held.release(runId.value());
                  return;
                }
                latencies.record(Duration.between(event.timestamp(), Instant.now()).toNanos());
                live[0]++;
                if (event.terminal()) {
                  done.complete(live[0]);
                }
              });
      events += done.get(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      stream.cancel();
    }
    return events;
  }

  /**
   * Waits (up to a limit) until the JIT compilers have finished with what the live runs made hot:
   * their CPU is the JVM warming up, not what idle followers cost.
   */
  private static void awaitQuietJit(Duration limit) {
    var compilation = ManagementFactory.getCompilationMXBean();
    long deadline = System.nanoTime() + limit.toNanos();
    long before = compilation.getTotalCompilationTime();
    while (System.nanoTime() < deadline) {
      LockSupport.parkNanos(JIT_QUIET_WINDOW.toNanos());
      long now = compilation.getTotalCompilationTime();
      if (now - before < JIT_QUIET_MILLIS) {
        return;
      }
      before = now;
    }
  }

  private static void awaitNoStreams(LatticeClient client) {
    long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
    while (client.state().toCompletableFuture().join().eventStreams() > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("followers still open after they disconnected");
      }
      LockSupport.parkNanos(POLL_INTERVAL.toNanos());
    }
  }

  /** A follower of {@code runId} that hands each event to {@code onEvent}. */
  private static Flow.Subscription follow(
      HttpClient http, SseFollower.Api url, RunId runId, Consumer<RunEvent> onEvent) {
    return SseFollower.follow(
        http,
        url,
        runId,
        json -> {
          try {
            onEvent.accept(MAPPER.treeToValue(json, RunEvent.class));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /**
   * The process's CPU use over {@code interval}, as a share of one core, without the bench's own
   * HTTP client threads: what the node spends.
   */
  private static double cpuShareOfCore(Duration interval) {
    long cpuBefore = ThreadCpu.process();
    long clientBefore = ThreadCpu.of(CLIENT_THREADS_BY_NAME);
    long start = System.nanoTime();
    // Measuring a quiet interval: the bench has nothing to do but wait.
    LockSupport.parkNanos(interval.toNanos());
    long node =
        ThreadCpu.process() - cpuBefore - (ThreadCpu.of(CLIENT_THREADS_BY_NAME) - clientBefore);
    return node / (double) (System.nanoTime() - start);
  }
}
