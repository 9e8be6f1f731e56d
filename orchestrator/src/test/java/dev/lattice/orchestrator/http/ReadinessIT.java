package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.cluster.ClusterSettings;
import dev.lattice.orchestrator.cluster.NodeReadiness;
import dev.lattice.orchestrator.cluster.ShardedType;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.journal.JournalProbe;
import dev.lattice.persistence.journal.PersistenceSettings;
import dev.lattice.persistence.journal.SchemaMigrations;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /ready} over real checks: 503 naming the failing check while the node is not an up
 * member of its cluster, or while its journal's database is unreachable; 200 once all pass.
 */
class ReadinessIT extends JUnitRouteTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String ROLE = "orchestrator";

  @TempDir Path data;
  private ActorSystem<?> system;

  @Override
  ActorSystem<?> nodeSystem() {
    return system;
  }

  private TestRouteResult getReady(Route route) {
    return testRoute(route).run(HttpRequest.GET("/ready"));
  }

  private int readyStatus(Route route) {
    return getReady(route).response().status().intValue();
  }

  /** The checks of a /ready answer, by name. */
  private static Map<String, JsonNode> checks(JsonNode body) {
    Map<String, JsonNode> byName = new HashMap<>();
    body.get("checks").forEach(c -> byName.put(c.get("name").asText(), c));
    assertThat(byName).containsOnlyKeys("cluster", "sharding", "journal");
    return byName;
  }

  /**
   * A cluster member with the sharded type {@code probe} that needs two members before its leader
   * moves any of them up: alone, it stays joining.
   */
  private static ActorSystem<Void> member(String name) {
    Config config =
        ConfigFactory.parseString(
                "pekko.actor.provider = cluster\n"
                    + "pekko.remote.artery.canonical { hostname = \"127.0.0.1\", port = 0 }\n"
                    + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                    + "pekko.cluster.min-nr-of-members = 2\n"
                    + "pekko.cluster.roles = ["
                    + ROLE
                    + "]\n"
                    + "pekko.cluster.sharding.distributed-data.durable.keys = []\n"
                    + "pekko.loglevel = WARNING")
            .withFallback(ConfigFactory.load());
    ActorSystem<Void> member = ActorSystem.create(Behaviors.empty(), name, config);
    ClusterSharding.get(member)
        .init(
            Entity.of(EntityTypeKey.create(String.class, "probe"), c -> Behaviors.<String>empty())
                .withRole(ROLE));
    return member;
  }

  @Test
  void readyIsRefusedWhileTheNodeIsJoiningAndPassesOnceItIsUp() throws SQLException {
    JournalDatabase database = JournalDatabase.h2File(data, "journal", "");
    SchemaMigrations.migrate(database);
    ActorSystem<Void> first = member("readiness");
    ActorSystem<Void> second = null;
    system = first;
    try (JournalProbe journal = new JournalProbe(database, Duration.ofSeconds(1))) {
      NodeReadiness readiness =
          new NodeReadiness(
              first,
              List.of(new ShardedType("probes", "probe", ROLE)),
              journal,
              first
                  .dispatchers()
                  .lookup(DispatcherSelector.fromConfig(PersistenceSettings.READ_MODEL_DISPATCHER)),
              new ClusterSettings(
                  Duration.ofSeconds(1),
                  Duration.ofSeconds(1),
                  Duration.ZERO,
                  Duration.ofSeconds(2)));
      Route route =
          handleExceptions(
              ProblemHandlers.exceptions(),
              () ->
                  new ProbeRoutes(readiness::check, HttpSettings.create(first.settings().config()))
                      .route());

      Cluster cluster = Cluster.get(first);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      Await.until(() -> cluster.selfMember().status() == MemberStatus.joining(), WAIT);

      JsonNode refused = problem(getReady(route), 503, "unavailable");
      Map<String, JsonNode> checks = checks(refused);
      assertThat(checks.get("cluster").get("ok").asBoolean()).isFalse();
      assertThat(checks.get("cluster").get("detail").asText())
          .isEqualTo("this node is joining, not up");
      assertThat(checks.get("sharding").get("ok").asBoolean()).isFalse();
      assertThat(checks.get("journal").get("ok").asBoolean()).isTrue();
      assertThat(refused.get("detail").asText())
          .startsWith("not ready: cluster: this node is joining, not up; sharding: probes: ")
          .doesNotContain("journal");

      // A second member lets the leader move both up; the shard coordinator then starts.
      second = member("readiness");
      Cluster.get(second).manager().tell(Join.create(cluster.selfMember().address()));
      Await.until(() -> readyStatus(route) == 200, WAIT);
      JsonNode ready = json(getReady(route).assertStatusCode(200));
      assertThat(ready.get("status").asText()).isEqualTo("ready");
      checks(ready).values().forEach(c -> assertThat(c.get("ok").asBoolean()).isTrue());
    } finally {
      if (second != null) {
        second.terminate();
        Await.result(second.getWhenTerminated());
      }
      first.terminate();
      Await.result(first.getWhenTerminated());
    }
  }

  @Test
  void readyIsRefusedWhileTheJournalIsUnreachable() throws SQLException {
    // The journal lives in an H2 server of this test, which can be stopped under the node. It
    // listens on every interface but takes connections from this machine only.
    Server h2 = h2Server(0);
    int port = h2.getPort();
    Lattice node = null;
    try {
      node =
          Lattice.builder()
              .dataDirectory(data)
              .config(
                  ConfigFactory.parseString(
                      "lattice.persistence.jdbc.url = \"jdbc:h2:tcp://127.0.0.1:"
                          + port
                          + "/journal\"\n"
                          + "lattice.persistence.jdbc.user = sa"))
              .start();
      system = node.system();
      Route route =
          new HttpApi(
                  node.client(),
                  node.system(),
                  HttpSettings.create(node.system().settings().config()))
              .route();
      Await.until(() -> readyStatus(route) == 200, WAIT);

      h2.stop();
      Await.until(() -> readyStatus(route) == 503, WAIT);
      JsonNode refused = problem(getReady(route), 503, "unavailable");
      Map<String, JsonNode> checks = checks(refused);
      assertThat(checks.get("journal").get("ok").asBoolean()).isFalse();
      assertThat(checks.get("journal").get("detail").asText()).startsWith("the journal ");
      assertThat(checks.get("cluster").get("ok").asBoolean()).isTrue();
      assertThat(checks.get("sharding").get("ok").asBoolean()).isTrue();
      assertThat(refused.get("detail").asText()).startsWith("not ready: journal: the journal ");

      // The database comes back on the same address: the node is ready again.
      h2 = h2Server(port);
      Await.until(() -> readyStatus(route) == 200, WAIT);
      assertThat(json(getReady(route)).get("status").asText()).isEqualTo("ready");
    } finally {
      if (node != null) {
        node.close();
      }
      h2.stop();
    }
  }

  /** An H2 TCP server for databases in the test's directory, on {@code port} (0: any free one). */
  private Server h2Server(int port) throws SQLException {
    return Server.createTcpServer(
            "-tcpPort",
            Integer.toString(port),
            "-baseDir",
            data.resolve("h2").toString(),
            "-ifNotExists")
        .start();
  }
}
