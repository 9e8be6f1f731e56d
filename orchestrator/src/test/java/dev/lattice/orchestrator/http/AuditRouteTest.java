package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.persistence.testing.AuditedRecorder;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.AuditKind;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit endpoints over a real node: entries are written through its journal by a test entity
 * whose events carry them, as a dispatcher's do.
 */
class AuditRouteTest extends JUnitRouteTest {
  private static final Instant AT = Instant.parse("2026-06-01T12:00:00.250Z");

  /** A bus key no dispatcher of the node uses, so only this test's entries are under it. */
  private static final String BUS_KEY = "agent/audit-route/0/default";

  @TempDir static Path data;
  static Lattice lattice;
  static Route route;
  static ActorRef<AuditedRecorder.Record> recorder;

  @BeforeAll
  static void start() {
    lattice = Lattice.builder().dataDirectory(data).start();
    route =
        new HttpApi(
                lattice.client(),
                lattice.system(),
                HttpSettings.create(lattice.system().settings().config())
                    .withAddress("127.0.0.1", API_PORT))
            .route();
    recorder = AuditedRecorder.spawn(lattice.system(), "audit-route");
  }

  @AfterAll
  static void stop() {
    lattice.close();
  }

  @Override
  ActorSystem<?> nodeSystem() {
    return lattice.system();
  }

  private TestRouteResult get(String path) {
    return testRoute(route).run(HttpRequest.GET(path));
  }

  private static void record(AuditEntry... entries) {
    Await.result(AuditedRecorder.record(lattice.system(), recorder, List.of(entries)));
  }

  private static AuditEntry entry(AuditKind kind, String runId, String stepId, String agentId) {
    return new AuditEntry(AT, BUS_KEY, kind, RunId.of(runId), stepId, 1, agentId, null, null);
  }

  @Test
  void aRunsAuditTrailListsItsDispatchersDecisionsInOrder() throws Exception {
    String runId = "audited-run";
    AuditEntry reserved =
        new AuditEntry(
            AT,
            BUS_KEY,
            AuditKind.BUDGET_RESERVED,
            RunId.of(runId),
            "a",
            1,
            null,
            "reserved against the step's budget",
            LatticeJson.mapper().readTree("{\"maxTokens\":2000,\"maxCostUsd\":0.05}"));
    record(entry(AuditKind.ENQUEUED, runId, "a", null), reserved);
    record(entry(AuditKind.DISPATCHED, runId, "a", "local.audit"));
    record(entry(AuditKind.DONE, runId, "a", "local.audit"));

    TestRouteResult result = get("/api/v1/runs/" + runId + "/audit");
    result.assertStatusCode(200).assertMediaType("application/json");
    JsonNode body = json(result);
    assertThat(body.get("runId").asText()).isEqualTo(runId);
    JsonNode entries = body.get("entries");
    assertThat(entries.findValuesAsText("kind"))
        .containsExactly("enqueued", "budget.reserved", "dispatched", "done");
    JsonNode first = entries.get(0);
    assertThat(first.get("at").asText()).isEqualTo("2026-06-01T12:00:00.250Z");
    assertThat(first.get("busKey").asText()).isEqualTo(BUS_KEY);
    assertThat(first.get("runId").asText()).isEqualTo(runId);
    assertThat(first.get("stepId").asText()).isEqualTo("a");
    assertThat(first.get("attempt").asInt()).isEqualTo(1);
    assertThat(first.has("agentId")).isFalse();
    assertThat(entries.get(1).get("detail").asText()).isEqualTo(reserved.detail());
    assertThat(entries.get(1).get("data").get("maxCostUsd").decimalValue())
        .isEqualByComparingTo("0.05");
    assertThat(entries.get(2).get("agentId").asText()).isEqualTo("local.audit");
  }

  @Test
  void aRunNoDispatcherHasSeenHasAnEmptyTrailAndAnUnknownRunIsNotFound() {
    // A wait step only: no step of this run goes through a dispatcher.
    String body = "{\"plan\":{\"steps\":[{\"id\":\"nap\",\"kind\":\"wait\",\"durationMs\":1}]}}";
    TestRouteResult started =
        testRoute(route)
            .run(
                HttpRequest.POST("/api/v1/execute")
                    .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body)));
    String runId = json(started.assertStatusCode(202)).get("runId").asText();
    Await.result(lattice.client().awaitTerminal(RunId.of(runId)));

    JsonNode trail = json(get("/api/v1/runs/" + runId + "/audit").assertStatusCode(200));
    assertThat(trail.get("entries").isEmpty()).isTrue();

    String unknown = RunId.random().value();
    JsonNode problem = problem(get("/api/v1/runs/" + unknown + "/audit"), 404, "run-not-found");
    assertThat(problem.get("detail").asText()).contains(unknown);
    problem(get("/api/v1/runs/not%20an%20id/audit"), 404, "run-not-found");
  }

  @Test
  void aDispatchersDecisionsArePagedInOrderByBusKey() {
    record(
        entry(AuditKind.ENQUEUED, "paged-1", "x", null),
        entry(AuditKind.DENIED, "paged-2", "y", null));
    record(entry(AuditKind.REQUEUED, "paged-1", "x", "local.audit"));
    String key = "/api/v1/audit?busKey=" + BUS_KEY.replace("/", "%2F");

    // Earlier tests may have written under the same key: read all of it, two at a time.
    List<String> kinds = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      JsonNode page =
          json(
              get(key + "&limit=2" + (next == null ? "" : "&after=" + next)).assertStatusCode(200));
      assertThat(page.get("entries").size()).isBetween(1, 2);
      page.get("entries")
          .forEach(e -> kinds.add(e.get("runId").asText() + ":" + e.get("kind").asText()));
      next = page.has("next") ? page.get("next").asText() : null;
      pages++;
    } while (next != null);
    assertThat(kinds)
        .containsSubsequence("paged-1:enqueued", "paged-2:denied", "paged-1:requeued")
        .endsWith("paged-1:requeued");
    assertThat(pages).isEqualTo((kinds.size() + 1) / 2);

    JsonNode none = json(get("/api/v1/audit?busKey=agent/nobody/0/default").assertStatusCode(200));
    assertThat(none.get("entries").isEmpty()).isTrue();
    assertThat(none.has("next")).isFalse();
  }

  @Test
  void aMalformedBusKeyCursorOrLimitIsABadRequest() {
    assertThat(problem(get("/api/v1/audit"), 400, "invalid-request").get("field").asText())
        .isEqualTo("busKey");
    for (String bad : List.of("nonsense", "agent/echo/x/default", "agent/echo/0/Bad%20Tenant")) {
      assertThat(
              problem(get("/api/v1/audit?busKey=" + bad), 400, "invalid-request")
                  .get("field")
                  .asText())
          .isEqualTo("busKey");
    }
    String key = "/api/v1/audit?busKey=" + BUS_KEY;
    for (String bad : List.of("0", "-1", "abc", "100000")) {
      assertThat(problem(get(key + "&limit=" + bad), 400, "invalid-request").get("field").asText())
          .isEqualTo("limit");
    }
    for (String bad : List.of("abc", "12.", ".3", "12.3.4", "-1", "1234567890123456789")) {
      assertThat(problem(get(key + "&after=" + bad), 400, "invalid-request").get("field").asText())
          .isEqualTo("after");
    }
    problem(
        testRoute(route)
            .run(
                HttpRequest.POST("/api/v1/runs/x/audit")
                    .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, ""))),
        405,
        "method-not-allowed");
  }
}
