package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.LocalCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover with real processes: a three-node cluster on loopback (a seed hosting the journal, two
 * members with both roles), 300 runs started through the seed's HTTP API, and one member stopped
 * mid-load, by SIGKILL or by SIGTERM. Every run completes, none has a gap in its events or a step
 * that succeeded twice; a graceful stop shows the client no error at all.
 */
class ClusterFailoverIT {
  private static final int RUNS = 300;

  /** The member is stopped once this many runs are accepted: most are in flight then. */
  private static final int STOP_AFTER = 100;

  private static final int SUBMITTERS = 8;

  /** Runs of an echo, a timer, and two more echoes: in flight long enough to be caught. */
  private static final String REQUEST =
      "{\"plan\":{\"steps\":["
          + "{\"id\":\"a\",\"capability\":\"echo\",\"input\":{\"n\":1}},"
          + "{\"id\":\"nap\",\"kind\":\"wait\",\"dependsOn\":[\"a\"],\"durationMs\":300},"
          + "{\"id\":\"b\",\"capability\":\"echo\",\"dependsOn\":[\"nap\"]},"
          + "{\"id\":\"c\",\"capability\":\"echo\",\"dependsOn\":[\"b\"]}]}}";

  /** Detecting the crash (~5 s), downing it (7 s), moving shards, recovering the runs. */
  private static final Duration COMPLETION_BOUND = Duration.ofMinutes(3);

  @TempDir Path directory;

  @Test
  void aMemberKilledMidLoadLosesNoRunAndDuplicatesNoStep() throws Exception {
    try (LocalCluster cluster = threeNodes()) {
      HttpRuns client = new HttpRuns();
      // A client of a crashing cluster retries what was refused, under the same idempotency key.
      stopMidLoad(cluster, client, true, "SIGKILL", () -> cluster.node("b").jvm().kill());
    }
  }

  @Test
  void aMemberLeavingGracefullyMidLoadShowsTheClientNoError() throws Exception {
    try (LocalCluster cluster = threeNodes()) {
      HttpRuns client = new HttpRuns();
      stopMidLoad(
          cluster,
          client,
          false,
          "SIGTERM",
          () -> cluster.node("b").jvm().terminate(Duration.ofSeconds(60)));
      assertThat(cluster.node("b").jvm().lines()).contains("lattice stopped");
      assertThat(client.errorDetails()).isEmpty();
    }
  }

  /**
   * Starts the runs, stops member b mid-load with {@code stop}, and checks that every run completes
   * whole; prints how long after the stop the last one completed.
   */
  private static void stopMidLoad(
      LocalCluster cluster, HttpRuns client, boolean retry, String how, Stop stop)
      throws Exception {
    Instant[] stoppedAt = new Instant[1];
    List<String> runs =
        submit(
            cluster,
            client,
            retry,
            () -> {
              stoppedAt[0] = Instant.now();
              stop.run();
            });
    Instant last = awaitAllCompleted(cluster, client, runs);
    System.out.printf(
        "failover after %s: %d runs, last completed %.1f s after the stop%n",
        how, runs.size(), Duration.between(stoppedAt[0], last).toMillis() / 1000.0);
    assertEveryStreamWhole(cluster, client, runs);
  }

  @Test
  void aRunStartedOnOneNodeIsFollowedLiveFromAnother() throws Exception {
    try (LocalCluster cluster = threeNodes()) {
      HttpRuns client = new HttpRuns();
      String run =
          client.execute(
              cluster.node("seed").api(),
              "{\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\"},"
                  + "{\"id\":\"nap\",\"kind\":\"wait\",\"dependsOn\":[\"a\"],\"durationMs\":1500},"
                  + "{\"id\":\"b\",\"capability\":\"echo\",\"dependsOn\":[\"nap\"]}]}}",
              "follow-1");
      // Opened while the run waits: what follows the timer arrives live, from another node.
      List<JsonNode> events = client.events(cluster.node("c").api(), run);
      assertThat(events).extracting(e -> e.get("seq").asLong()).isSorted().doesNotHaveDuplicates();
      assertThat(events.get(events.size() - 1).get("type").asText()).isEqualTo("run.completed");
      assertThat(events)
          .filteredOn(e -> e.get("type").asText().equals("step.succeeded"))
          .extracting(e -> e.get("stepId").asText())
          .containsExactly("a", "nap", "b");
    }
  }

  private LocalCluster threeNodes() throws IOException {
    LocalCluster cluster = LocalCluster.startSeed(directory);
    try {
      cluster.join("b", "orchestrator,worker");
      cluster.join("c", "orchestrator,worker");
      cluster.awaitUp("b");
      cluster.awaitUp("c");
      return cluster;
    } catch (IOException | RuntimeException | Error e) {
      cluster.closeAfter(e);
      throw e;
    }
  }

  /** A stop of a member, run while the load goes on. */
  private interface Stop {
    void run() throws Exception;
  }

  /**
   * Starts {@link #RUNS} runs through the seed from {@link #SUBMITTERS} threads, and {@code stop}s
   * the member once {@link #STOP_AFTER} of them are accepted. The ids of the accepted runs.
   *
   * @param retry whether a refused or failed request is sent again (same idempotency key) until it
   *     is accepted, as a client of a cluster that lost a node would; otherwise it fails the test
   */
  private static List<String> submit(
      LocalCluster cluster, HttpRuns client, boolean retry, Stop stop) throws Exception {
    String api = cluster.node("seed").api();
    List<String> accepted = new CopyOnWriteArrayList<>();
    AtomicInteger next = new AtomicInteger();
    CountDownLatch enough = new CountDownLatch(STOP_AFTER);
    ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < SUBMITTERS; t++) {
        done.add(
            submitters.submit(
                () -> {
                  for (int n = next.getAndIncrement(); n < RUNS; n = next.getAndIncrement()) {
                    accepted.add(execute(client, api, "run-" + n, retry));
                    enough.countDown();
                  }
                  return null;
                }));
      }
      assertThat(enough.await(2, TimeUnit.MINUTES)).isTrue();
      stop.run();
      for (Future<?> f : done) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      submitters.shutdownNow();
    }
    assertThat(accepted).hasSize(RUNS);
    return accepted;
  }

  private static String execute(HttpRuns client, String api, String key, boolean retry)
      throws Exception {
    Instant deadline = Instant.now().plus(COMPLETION_BOUND);
    while (true) {
      try {
        return client.execute(api, REQUEST, key);
      } catch (IOException e) {
        if (!retry || Instant.now().isAfter(deadline)) {
          throw e;
        }
      }
    }
  }

  /** Waits until every run is completed, as the seed answers; when the last one was seen so. */
  private static Instant awaitAllCompleted(
      LocalCluster cluster, HttpRuns client, List<String> runs) {
    String api = cluster.node("seed").api();
    Set<String> pending = ConcurrentHashMap.newKeySet();
    pending.addAll(runs);
    Map<String, String> ended = new HashMap<>();
    try {
      awaitEnded(client, api, pending, ended);
    } catch (AssertionError e) {
      List<String> unfinished = new ArrayList<>();
      for (String run : List.copyOf(pending).subList(0, Math.min(5, pending.size()))) {
        try {
          unfinished.add(client.run(api, run).toString());
        } catch (IOException | InterruptedException again) {
          unfinished.add(run + ": " + again);
        }
      }
      throw new AssertionError(pending.size() + " runs unfinished, such as " + unfinished, e);
    }
    Instant last = Instant.now();
    assertThat(ended).hasSize(runs.size());
    assertThat(ended.values()).containsOnly("completed");
    return last;
  }

  private static void awaitEnded(
      HttpRuns client, String api, Set<String> pending, Map<String, String> ended) {
    Await.until(
        () -> {
          for (String run : List.copyOf(pending)) {
            try {
              String status = client.run(api, run).get("status").asText();
              if (Set.of("completed", "failed", "cancelled").contains(status)) {
                ended.put(run, status);
                pending.remove(run);
              }
            } catch (IOException e) {
              // The run's node is gone and its shard not yet moved: asked again on the next round.
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return true;
            }
          }
          return pending.isEmpty();
        },
        COMPLETION_BOUND);
  }

  /** Every run's stream from seq 1: 1, 2, 3... to its completion, each step succeeding once. */
  private static void assertEveryStreamWhole(
      LocalCluster cluster, HttpRuns client, List<String> runs) throws Exception {
    String api = cluster.node("seed").api();
    for (String run : runs) {
      List<JsonNode> events = client.events(api, run);
      for (int i = 0; i < events.size(); i++) {
        assertThat(events.get(i).get("seq").asLong())
            .as("seq of event %d of %s", i, run)
            .isEqualTo(i + 1L);
      }
      assertThat(events.get(events.size() - 1).get("type").asText()).isEqualTo("run.completed");
      assertThat(events)
          .filteredOn(e -> e.get("type").asText().equals("step.succeeded"))
          .extracting(e -> e.get("stepId").asText())
          .as("steps succeeded in %s", run)
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrder("a", "nap", "b", "c");
    }
  }
}
