package dev.lattice.orchestrator.http;

import static dev.lattice.orchestrator.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.plan.Plans;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.ids.RunId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes of one cluster in this JVM, on one journal: each one's {@code GET /api/v1/state} shows
 * both members with their names, roles and status, and the shards and entities each hosts; {@code
 * GET /ready} passes on both once their shard regions are registered. A third, worker-only, member
 * hosts no shards and is ready once it can route to them.
 */
class ClusterStateIT extends JUnitRouteTest {
  private static final Duration READY = Duration.ofSeconds(30);
  private static final String ECHO = "{'steps': [{'id': 'a', 'capability': 'echo'}]}";

  /** Enough runs that their ids fall into several shards (64 in all), so both nodes get some. */
  private static final int RUNS = 12;

  /** Finished runs stay in memory for the whole test, so their entities can be counted. */
  private static final Config KEEP_FINISHED_RUNS =
      ConfigFactory.parseString("lattice.run.passivate-after-terminal = 10m");

  @TempDir Path data;
  private Lattice main;

  @Override
  ActorSystem<?> nodeSystem() {
    return main.system();
  }

  /** A node with {@code roles} named {@code name} that joins {@code seed}, on the same journal. */
  private Lattice join(Lattice seed, String roles, String name) {
    return Lattice.builder()
        .dataDirectory(data)
        .config(KEEP_FINISHED_RUNS)
        .config(
            ConfigFactory.parseString(
                "lattice.node.roles = "
                    + roles
                    + "\nlattice.node.name = "
                    + name
                    + "\npekko.cluster.seed-nodes = [\""
                    + seed.address()
                    + "\"]"))
        .start();
  }

  private Route routes(Lattice node) {
    return new HttpApi(
            node.client(),
            node.system(),
            HttpSettings.create(node.system().settings().config())
                .withAddress("127.0.0.1", API_PORT))
        .route();
  }

  private JsonNode get(Route route, String path) {
    return json(testRoute(route).run(HttpRequest.GET(path)).assertStatusCode(200));
  }

  private boolean ready(Route route) {
    return testRoute(route).run(HttpRequest.GET("/ready")).response().status().intValue() == 200;
  }

  @Test
  void bothMembersShowWithTheirRolesStatusAndTheShardsEachHosts() {
    main = Lattice.builder().dataDirectory(data).config(KEEP_FINISHED_RUNS).start();
    // The second node hosts shards (orchestrator role) but no agents, under its own name.
    try (Lattice far = join(main, "[orchestrator]", "far")) {
      Route mainRoutes = routes(main);
      Route farRoutes = routes(far);
      // Ready means registered with the shard coordinators: new shards may go to either node.
      Await.until(() -> ready(mainRoutes) && ready(farRoutes), READY);
      List<RunId> runs = new ArrayList<>();
      for (int i = 0; i < RUNS; i++) {
        runs.add(
            Await.result(
                    main.client()
                        .execute(ExecuteRequest.plan(plan(ECHO), Plans.json("{'text': 'hi'}"))))
                .runId());
      }
      runs.forEach(run -> Await.result(main.client().awaitTerminal(run)));

      JsonNode state = get(mainRoutes, "/api/v1/state");
      Map<String, JsonNode> members = byAddress(state.get("cluster").get("members"));
      assertThat(members).containsOnlyKeys(main.address(), far.address());
      JsonNode first = members.get(main.address());
      JsonNode second = members.get(far.address());
      assertThat(first.get("name").asText()).isEqualTo("local");
      assertThat(second.get("name").asText()).isEqualTo("far");
      assertThat(first.get("roles").toString()).isEqualTo("[\"orchestrator\",\"worker\"]");
      assertThat(second.get("roles").toString()).isEqualTo("[\"orchestrator\"]");
      for (JsonNode member : members.values()) {
        assertThat(member.get("status").asText()).isEqualTo("up");
        assertThat(member.get("reachable").asBoolean()).isTrue();
      }
      assertThat(first.get("self").asBoolean()).isTrue();
      assertThat(second.get("self").asBoolean()).isFalse();
      // The leader is the member with the lowest address, whichever that is.
      assertThat(first.get("leader").asBoolean()).isNotEqualTo(second.get("leader").asBoolean());

      // Each sharded type lists both nodes; the runs' shards are spread over both.
      JsonNode shards = state.get("cluster").get("shards");
      assertThat(shards.findValuesAsText("type")).containsExactly("runs", "dispatchers", "ledgers");
      for (JsonNode type : shards) {
        Map<String, JsonNode> nodes = byAddress(type.get("nodes"));
        assertThat(nodes)
            .as(type.get("type").asText())
            .containsOnlyKeys(main.address(), far.address());
        nodes.values().forEach(n -> assertThat(n.get("reply").asText()).isEqualTo("answered"));
      }
      Map<String, JsonNode> runShards = byAddress(shards.get(0).get("nodes"));
      assertThat(runShards.get(main.address()).get("name").asText()).isEqualTo("local");
      assertThat(runShards.get(far.address()).get("name").asText()).isEqualTo("far");
      int entities = 0;
      for (JsonNode node : runShards.values()) {
        assertThat(node.get("shards").asInt()).as(node.toString()).isGreaterThanOrEqualTo(1);
        entities += node.get("entities").asInt();
      }
      assertThat(entities).isEqualTo(RUNS);

      // The other node sees the same cluster, with itself as "self".
      JsonNode seenByFar = get(farRoutes, "/api/v1/state");
      Map<String, JsonNode> farMembers = byAddress(seenByFar.get("cluster").get("members"));
      assertThat(farMembers.get(far.address()).get("self").asBoolean()).isTrue();
      assertThat(farMembers.get(main.address()).get("status").asText()).isEqualTo("up");
      assertThat(seenByFar.get("roles").toString()).isEqualTo("[\"orchestrator\"]");

      // A worker-only member hosts no shards, so it is not among their nodes; it is ready once
      // it can route to the members that host them.
      try (Lattice edge = join(main, "[worker]", "edge")) {
        Route edgeRoutes = routes(edge);
        Await.until(() -> ready(edgeRoutes), READY);
        JsonNode withEdge = get(mainRoutes, "/api/v1/state").get("cluster");
        JsonNode member = byAddress(withEdge.get("members")).get(edge.address());
        assertThat(member.get("name").asText()).isEqualTo("edge");
        assertThat(member.get("roles").toString()).isEqualTo("[\"worker\"]");
        assertThat(member.get("status").asText()).isEqualTo("up");
        for (JsonNode type : withEdge.get("shards")) {
          assertThat(byAddress(type.get("nodes"))).doesNotContainKey(edge.address());
        }
      }
    } finally {
      main.close();
    }
  }

  private static Map<String, JsonNode> byAddress(JsonNode list) {
    Map<String, JsonNode> byAddress = new HashMap<>();
    list.forEach(item -> byAddress.put(item.get("address").asText(), item));
    return byAddress;
  }
}
