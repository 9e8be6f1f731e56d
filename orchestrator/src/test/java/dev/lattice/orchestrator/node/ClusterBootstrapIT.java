package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.persistence.journal.PersistenceSettings;
import dev.lattice.persistence.journal.SchemaMigrations;
import dev.lattice.persistence.testing.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code lattice.cluster.bootstrap} on, nodes without seed nodes form one cluster through
 * Pekko Management and Cluster Bootstrap: here two nodes in this JVM that discover each other's
 * management endpoints from static configuration on loopback.
 */
class ClusterBootstrapIT {
  /** Both nodes start, bootstrap (a 1 s stable margin) and join well within this. */
  private static final Duration FORMATION_BOUND = Duration.ofSeconds(45);

  @TempDir Path data;

  @Test
  @Timeout(90)
  void twoNodesWithoutSeedNodesFormOneClusterThroughBootstrap() throws Exception {
    int portA = FreePorts.next();
    int portB = FreePorts.next();
    Config discovery = discovery(portA, portB);
    // Both nodes share the test's journal; its schema is created once, before they race to it.
    SchemaMigrations.migrate(
        PersistenceSettings.create(NodeConfig.assemble(ConfigFactory.empty(), data)).database());

    List<Lattice> started = new ArrayList<>();
    ExecutorService starter = Executors.newFixedThreadPool(2);
    try {
      // Each start returns only once its node is Up, which needs the other node: start both at
      // once.
      CompletableFuture<Lattice> a =
          CompletableFuture.supplyAsync(() -> node("a", portA, discovery), starter);
      CompletableFuture<Lattice> b =
          CompletableFuture.supplyAsync(() -> node("b", portB, discovery), starter);
      a.whenComplete((node, e) -> keep(started, node));
      b.whenComplete((node, e) -> keep(started, node));
      Lattice nodeA = Await.result(a, FORMATION_BOUND);
      Lattice nodeB = Await.result(b, FORMATION_BOUND);

      Set<String> both = Set.of(nodeA.address(), nodeB.address());
      Await.until(() -> upMembers(nodeA).equals(both), FORMATION_BOUND);
      Await.until(() -> upMembers(nodeB).equals(both), FORMATION_BOUND);
      // The management endpoint serves the cluster's membership as well
      // (pekko-management-cluster-http).
      String members = get("http://127.0.0.1:" + portB + "/cluster/members");
      assertThat(members).contains(nodeA.address(), nodeB.address(), "\"status\":\"Up\"");
    } finally {
      starter.shutdown();
      synchronized (started) {
        started.forEach(Lattice::close);
      }
    }
  }

  @Test
  @Timeout(60)
  void aNodeWhoseManagementPortIsTakenDoesNotStartAndSaysWhy() throws Exception {
    Set<Thread> poolThreadsBefore = databasePoolThreads();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> node("a", port, discovery(port, FreePorts.next())))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Pekko Management could not start");
    }
    // The failed start closed its database pools, and their threads ended, before it threw:
    // nothing of it still holds the data directory, which JUnit deletes next.
    Set<Thread> left = databasePoolThreads();
    left.removeAll(poolThreadsBefore);
    assertThat(left).extracting(Thread::getName).isEmpty();
  }

  /** Live threads of the nodes' own database pools (named after their pool). */
  private static Set<Thread> databasePoolThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(
            t ->
                t.getName().startsWith("lattice-read-models")
                    || t.getName().startsWith("lattice-journal-probe"))
        .collect(Collectors.toCollection(HashSet::new));
  }

  private Lattice node(String name, int managementPort, Config discovery) {
    return Lattice.builder()
        .dataDirectory(data)
        .config(
            ConfigFactory.parseString(
                    "lattice.node.name = "
                        + name
                        + "\npekko.management.http.port = "
                        + managementPort)
                .withFallback(discovery))
        .start();
  }

  /** Bootstrap on, both management endpoints listed statically (discovery method "config"). */
  private static Config discovery(int portA, int portB) {
    return ConfigFactory.parseString(
        """
        lattice.cluster.bootstrap = on
        lattice.node.start-timeout = 45s
        pekko.management.http.hostname = "127.0.0.1"
        pekko.management.cluster.bootstrap {
          contact-point-discovery {
            discovery-method = config
            service-name = lattice-test
            required-contact-point-nr = 2
            stable-margin = 1s
            interval = 200ms
          }
          # Both endpoints share one host: without this, bootstrap would keep only the one on its
          # own port (the fallback port) of that host.
          contact-point.filter-on-fallback-port = false
        }
        pekko.discovery.config.services.lattice-test.endpoints = [
          { host = "127.0.0.1", port = %d },
          { host = "127.0.0.1", port = %d }
        ]
        """
            .formatted(portA, portB));
  }

  private static void keep(List<Lattice> started, Lattice node) {
    if (node != null) {
      synchronized (started) {
        started.add(node);
      }
    }
  }

  private static Set<String> upMembers(Lattice node) {
    return StreamSupport.stream(
            Cluster.get(node.system()).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .map(Member::address)
        .map(Object::toString)
        .collect(Collectors.toSet());
  }

  private static String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return response.body();
  }
}
