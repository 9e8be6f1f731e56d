package dev.lattice.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.persistence.audit.AuditHash;
import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.journal.PersistenceSettings;
import dev.lattice.protocol.json.LatticeJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The audit trail proves itself, over real HTTP on a real H2 file journal: a run of
 * examples/audited-approval.json (two agent steps and an approval), signalled, paused and resumed,
 * leaves rows in its dispatcher's chain and in its own; with their heads signed, its verification
 * says intact. Then every row of the run, one at a time, is changed in the database in every way
 * (its entries edited, its entries edited with its digest and hash recomputed as a forger would, a
 * hashed field edited, the row deleted, the row swapped with its neighbour in the chain), and every
 * time the run's verification says the trail was changed, with the right kind and chain; undone, it
 * says intact again. A row forged onto a chain's end and a tampered signature are found too, and
 * the dispatcher's and the policy chain verify on their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditChainIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** The plan of the worked example in docs/agents.md: an agent step, an approval, another. */
  private static final Path PLAN = Path.of("..", "examples", "audited-approval.json");

  private static final String ROW_COLUMNS =
      "\"id\", \"run_id\", \"bus_key\", \"entries\", \"chain\", \"seq\", \"prev_hash\","
          + " \"recorded_at\", \"digest\", \"hash\"";

  private final HttpClient http = HttpClient.newHttpClient();
  private final HttpRuns runs = new HttpRuns();
  private Path data;
  private Lattice node;
  private String api;
  private JournalDatabase database;
  private String runId;
  private List<Row> original;

  /** A row of lattice_audit as stored. */
  private record Row(
      long id,
      String runId,
      String busKey,
      String entries,
      String chain,
      long seq,
      String prevHash,
      long recordedAt,
      String digest,
      String hash) {}

  /** One way to change a row. */
  private enum Tamper {
    EDIT_ENTRIES("edited"),
    FORGE_ENTRIES_AND_HASHES("edited"),
    EDIT_FIELD("edited"),
    DELETE("deleted"),
    SWAP_WITH_NEIGHBOUR("reordered");

    final String finding;

    Tamper(String finding) {
      this.finding = finding;
    }
  }

  @BeforeAll
  void startNodeAndRun() throws Exception {
    data = Files.createTempDirectory("audit-chain");
    node =
        Lattice.builder()
            .dataDirectory(data)
            .config(ConfigFactory.parseString("lattice.audit.sign-interval = 100ms"))
            .start();
    api = LoopbackApi.start(node);
    database = PersistenceSettings.create(node.system().settings().config()).database();
    runId = runs.execute(api, Files.readString(PLAN), "audit-chain-run");
    runs.awaitRun(api, runId, run -> stepStatus(run, "ok").equals("waiting"), WAIT);
    post("/api/v1/runs/" + runId + "/pause", "{\"actor\": \"ops\", \"reason\": \"maintenance\"}");
    post("/api/v1/runs/" + runId + "/resume", "{\"actor\": \"ops\"}");
    post(
        "/api/v1/runs/" + runId + "/signals/approve",
        "{\"actor\": \"alice\", \"reason\": \"looks good\", \"data\": {\"ok\": true}}");
    runs.awaitRun(api, runId, run -> run.get("status").asText().equals("completed"), WAIT);
    // Every head signed: nothing left unproven.
    Await.until(
        () -> {
          JsonNode verified = verifyRun();
          return verified.get("intact").asBoolean() && verified.get("findings").isEmpty();
        },
        WAIT,
        () -> verifyRun().toString());
    original = rowsOfRun();
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void aRunsTrailIsIntactAndHoldsItsInterventionsAndItsDispatchersDecisions() throws Exception {
    JsonNode verified = verifyRun();
    assertThat(verified.get("subject").asText()).isEqualTo("run:" + runId);
    List<String> chains = new ArrayList<>();
    verified.get("chains").forEach(chain -> chains.add(chain.get("chain").asText()));
    assertThat(chains)
        .contains("run:" + runId)
        .anyMatch(chain -> chain.startsWith("bus:agent/echo/"));
    verified
        .get("chains")
        .forEach(
            chain -> {
              assertThat(chain.get("intact").asBoolean()).isTrue();
              assertThat(chain.get("signedSeq").asLong()).isEqualTo(chain.get("toSeq").asLong());
              assertThat(chain.get("keyId").asText()).isNotBlank();
            });

    JsonNode audit = get("/api/v1/runs/" + runId + "/audit");
    List<String> interventions = new ArrayList<>();
    audit
        .get("interventions")
        .forEach(i -> interventions.add(i.get("type").asText() + " by " + i.get("actor").asText()));
    assertThat(interventions).containsExactly("pause by ops", "resume by ops", "signal by alice");
    assertThat(audit.get("entries").size()).isGreaterThanOrEqualTo(4);
    assertThat(original.stream().filter(row -> row.chain().startsWith("run:"))).hasSize(3);
  }

  @Test
  void aDispatchersChainAndThePolicyChainVerifyOnTheirOwn() throws Exception {
    String busKey =
        original.stream().filter(row -> row.busKey() != null).findFirst().orElseThrow().busKey();
    JsonNode bus = get("/api/v1/audit/verify?busKey=" + busKey);
    assertThat(bus.get("intact").asBoolean()).as(bus.toString()).isTrue();
    assertThat(bus.get("chains").get(0).get("fromSeq").asLong()).isEqualTo(1);
    Await.until(
        () -> {
          JsonNode policy = get("/api/v1/audit/verify?chain=policy");
          return policy.get("intact").asBoolean()
              && policy.get("chains").get(0).get("rows").asLong() >= 1
              && policy.get("findings").isEmpty();
        },
        WAIT);
    HttpResponse<String> neither =
        send(HttpRequest.newBuilder(URI.create(api + "/api/v1/audit/verify")).GET().build());
    assertThat(neither.statusCode()).isEqualTo(400);
    assertThat(neither.body()).contains("busKey");
    HttpResponse<String> noRun =
        send(
            HttpRequest.newBuilder(URI.create(api + "/api/v1/runs/no-such-run/audit/verify"))
                .GET()
                .build());
    assertThat(noRun.statusCode()).isEqualTo(404);
  }

  @TestFactory
  Stream<DynamicTest> everyChangeToEveryRowOfTheRunIsFound() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Row row : original) {
      for (Tamper tamper : Tamper.values()) {
        tests.add(
            dynamicTest(
                tamper + " row " + row.seq() + " of " + row.chain(),
                () -> {
                  try {
                    apply(tamper, row);
                    JsonNode verified = verifyRun();
                    assertThat(verified.get("intact").asBoolean())
                        .as(verified.toString())
                        .isFalse();
                    assertThat(findings(verified, row.chain()))
                        .as(verified.toString())
                        .contains(tamper.finding);
                    if (row.busKey() != null) {
                      JsonNode bus = get("/api/v1/audit/verify?busKey=" + row.busKey());
                      assertThat(bus.get("intact").asBoolean()).as(bus.toString()).isFalse();
                      assertThat(findings(bus, row.chain())).contains(tamper.finding);
                    }
                  } finally {
                    restore();
                  }
                  JsonNode again = verifyRun();
                  assertThat(again.get("intact").asBoolean()).as(again.toString()).isTrue();
                }));
      }
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> aRowForgedOntoAChainsEndAndABadSignatureAreFound() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String chain : original.stream().map(Row::chain).distinct().toList()) {
      tests.add(
          dynamicTest(
              "forged row at the end of " + chain,
              () -> {
                try {
                  forgeRowAtEnd(chain);
                  assertThat(findings(verifyRun(), chain)).contains("inserted");
                } finally {
                  restore();
                }
              }));
      tests.add(
          dynamicTest(
              "bad signature of " + chain,
              () -> {
                String jws = headJws(chain);
                try {
                  setHeadJws(
                      chain,
                      jws.substring(0, jws.length() - 4)
                          + (jws.endsWith("AAAA") ? "BBBB" : "AAAA"));
                  assertThat(findings(verifyRun(), chain)).contains("bad-signature");
                } finally {
                  setHeadJws(chain, jws);
                }
                assertThat(verifyRun().get("intact").asBoolean()).isTrue();
              }));
    }
    return tests.stream();
  }

  private void apply(Tamper tamper, Row row) throws SQLException {
    try (Connection c = connect()) {
      switch (tamper) {
        case EDIT_ENTRIES ->
            update(
                c,
                "UPDATE \"lattice_audit\" SET \"entries\" = ? WHERE \"id\" = ?",
                edited(row.entries()),
                row.id());
        case FORGE_ENTRIES_AND_HASHES -> {
          String entries = edited(row.entries());
          String digest = AuditHash.digest(entries);
          String hash =
              AuditHash.row(
                  row.chain(),
                  row.seq(),
                  row.prevHash(),
                  row.recordedAt(),
                  row.runId(),
                  row.busKey(),
                  digest);
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE \"lattice_audit\" SET \"entries\" = ?, \"digest\" = ?, \"hash\" = ? WHERE \"id\" = ?")) {
            s.setString(1, entries);
            s.setString(2, digest);
            s.setString(3, hash);
            s.setLong(4, row.id());
            s.executeUpdate();
          }
        }
        case EDIT_FIELD ->
            update(
                c,
                "UPDATE \"lattice_audit\" SET \"recorded_at\" = \"recorded_at\" + CAST(? AS BIGINT) WHERE \"id\" = ?",
                "1",
                row.id());
        case DELETE ->
            update(
                c,
                "DELETE FROM \"lattice_audit\" WHERE \"id\" = ? AND ? IS NOT NULL",
                row.id(),
                "x");
        case SWAP_WITH_NEIGHBOUR -> swap(c, row, neighbour(row));
      }
    }
  }

  /** The row after {@code row} in its chain, or the one before it for the last. */
  private Row neighbour(Row row) {
    return original.stream()
        .filter(other -> other.chain().equals(row.chain()) && other.seq() == row.seq() + 1)
        .findFirst()
        .or(
            () ->
                original.stream()
                    .filter(
                        other -> other.chain().equals(row.chain()) && other.seq() == row.seq() - 1)
                    .findFirst())
        .orElseThrow(() -> new IllegalStateException("a chain of one row: " + row.chain()));
  }

  /** Every column but the id exchanged: the two rows trade places in the order of recording. */
  private void swap(Connection c, Row a, Row b) throws SQLException {
    update(c, "DELETE FROM \"lattice_audit\" WHERE \"id\" = ? OR \"id\" = ?", a.id(), b.id());
    insert(
        c,
        new Row(
            a.id(),
            b.runId(),
            b.busKey(),
            b.entries(),
            b.chain(),
            b.seq(),
            b.prevHash(),
            b.recordedAt(),
            b.digest(),
            b.hash()));
    insert(
        c,
        new Row(
            b.id(),
            a.runId(),
            a.busKey(),
            a.entries(),
            a.chain(),
            a.seq(),
            a.prevHash(),
            a.recordedAt(),
            a.digest(),
            a.hash()));
  }

  private void forgeRowAtEnd(String chain) throws SQLException {
    Row last =
        original.stream()
            .filter(row -> row.chain().equals(chain))
            .reduce((a, b) -> b.seq() > a.seq() ? b : a)
            .orElseThrow();
    String entries = last.entries();
    String digest = AuditHash.digest(entries);
    long seq = last.seq() + 1;
    String hash =
        AuditHash.row(
            chain, seq, last.hash(), last.recordedAt() + 1, last.runId(), last.busKey(), digest);
    try (Connection c = connect()) {
      insert(
          c,
          new Row(
              maxId(c) + 1,
              last.runId(),
              last.busKey(),
              entries,
              chain,
              seq,
              last.hash(),
              last.recordedAt() + 1,
              digest,
              hash));
    }
  }

  /** Puts the run's rows back as they were. */
  private void restore() throws SQLException {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement delete =
          c.prepareStatement("DELETE FROM \"lattice_audit\" WHERE \"run_id\" = ?")) {
        delete.setString(1, runId);
        delete.executeUpdate();
      }
      for (Row row : original) {
        insert(c, row);
      }
      c.commit();
    }
  }

  private static String edited(String entries) {
    // The first entry's time a year earlier: a plausible, quiet forgery.
    return entries.replaceFirst("\"at\":\"20(\\d\\d)", "\"at\":\"19$1");
  }

  private List<Row> rowsOfRun() throws SQLException {
    try (Connection c = connect();
        PreparedStatement query =
            c.prepareStatement(
                "SELECT "
                    + ROW_COLUMNS
                    + " FROM \"lattice_audit\" WHERE \"run_id\" = ? ORDER BY \"id\"")) {
      query.setString(1, runId);
      List<Row> rows = new ArrayList<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new Row(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getLong(6),
                  rs.getString(7),
                  rs.getLong(8),
                  rs.getString(9),
                  rs.getString(10)));
        }
      }
      return rows;
    }
  }

  private static void insert(Connection c, Row row) throws SQLException {
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT INTO \"lattice_audit\" ("
                + ROW_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setLong(1, row.id());
      insert.setString(2, row.runId());
      insert.setString(3, row.busKey());
      insert.setString(4, row.entries());
      insert.setString(5, row.chain());
      insert.setLong(6, row.seq());
      insert.setString(7, row.prevHash());
      insert.setLong(8, row.recordedAt());
      insert.setString(9, row.digest());
      insert.setString(10, row.hash());
      insert.executeUpdate();
    }
  }

  private static long maxId(Connection c) throws SQLException {
    try (PreparedStatement query = c.prepareStatement("SELECT MAX(\"id\") FROM \"lattice_audit\"");
        ResultSet rs = query.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void update(Connection c, String sql, Object first, Object second)
      throws SQLException {
    try (PreparedStatement statement = c.prepareStatement(sql)) {
      statement.setObject(1, first);
      statement.setObject(2, second);
      statement.executeUpdate();
    }
  }

  private String headJws(String chain) throws SQLException {
    try (Connection c = connect();
        PreparedStatement query =
            c.prepareStatement("SELECT \"jws\" FROM \"lattice_audit_head\" WHERE \"chain\" = ?")) {
      query.setString(1, chain);
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private void setHeadJws(String chain, String jws) throws SQLException {
    try (Connection c = connect()) {
      update(c, "UPDATE \"lattice_audit_head\" SET \"jws\" = ? WHERE \"chain\" = ?", jws, chain);
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(database.url(), database.user(), database.password());
  }

  private static List<String> findings(JsonNode verified, String chain) {
    List<String> kinds = new ArrayList<>();
    verified
        .get("findings")
        .forEach(
            finding -> {
              if (finding.get("chain").asText().equals(chain)) {
                kinds.add(finding.get("kind").asText());
              }
            });
    return kinds;
  }

  private static String stepStatus(JsonNode run, String stepId) {
    for (JsonNode step : run.get("steps")) {
      if (step.get("id").asText().equals(stepId)) {
        return step.get("status").asText();
      }
    }
    return "";
  }

  private JsonNode verifyRun() {
    return get("/api/v1/runs/" + runId + "/audit/verify");
  }

  private JsonNode get(String path) {
    try {
      HttpResponse<String> response =
          send(HttpRequest.newBuilder(URI.create(api + path)).GET().build());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return LatticeJson.mapper().readTree(response.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void post(String path, String json) throws Exception {
    HttpResponse<String> response = runs.post(api, path, json);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
