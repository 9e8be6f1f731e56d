package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Match;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.orchestrator.testing.HttpRuns;
import dev.lattice.orchestrator.testing.LoopbackApi;
import dev.lattice.orchestrator.testing.TestJournal;
import dev.lattice.persistence.journal.JournalDatabase;
import dev.lattice.persistence.payload.JournalPayloads;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.RunChange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large payloads through a real node, its journal (an H2 file here, PostgreSQL in {@link
 * PayloadStorePostgresIT}) and HTTP API: three llm steps answer more than the 64 KiB an event holds
 * whole, each later step getting the earlier answers as its input. The journal's rows then hold
 * references, the payload table holds each answer once, and the run's state and events, over HTTP,
 * hold the whole answers, before and after a restart.
 */
class PayloadStoreIT {
  /** Over the default inline-max-bytes (64 KiB) each. */
  private static final String ONE = "alpha ".repeat(12_000);

  private static final String TWO = "bravo ".repeat(12_000);
  private static final String THREE = "charlie ".repeat(9_000);
  private static final CBORMapper CBOR = new CBORMapper();

  @TempDir Path data;
  private ScriptedModelServer models;
  private TestJournal journal;
  private Lattice lattice;
  private String api;
  private final HttpRuns http = new HttpRuns();

  /** The journal of the test's nodes. */
  TestJournal journal() {
    return TestJournal.h2(data);
  }

  @BeforeEach
  void start() {
    models =
        ScriptedModelServer.start(
            Script.of(
                    ScriptEntry.text(ONE).when(Match.contains("step one")),
                    ScriptEntry.text(TWO).when(Match.contains("step two")),
                    ScriptEntry.text(THREE).when(Match.contains("step three")))
                .withModels("scripted-model"));
    journal = journal();
    startNode();
  }

  private void startNode() {
    lattice = journal.node().config(config()).start();
    api = LoopbackApi.start(lattice);
  }

  private Config config() {
    return ConfigFactory.parseString(
        """
        lattice.llm.providers.local.base-url = "%s/v1"
        # Followers get the answers whole here (by default they would get large ones by reference).
        lattice.http.events.inline-output-max = 16MiB
        lattice.worker.agents = [{
          id = llm, action = llm, capabilities = [llm],
          models = ["scripted-model"], max-concurrent = 8, priority = 0
        }]
        """
            .formatted(models.baseUrl()));
  }

  @AfterEach
  void stop() {
    lattice.close();
    models.close();
  }

  @Test
  void largeAnswersAreStoredOnceAndEveryReadGetsThemWhole() throws Exception {
    String runId = execute();

    assertWhole(http.run(api, runId), http.events(api, runId));
    List<String> rows = journalRows();
    assertThat(rows).isNotEmpty().noneMatch(PayloadStoreIT::holdsAnyAnswer);
    assertThat(refRows()).isGreaterThanOrEqualTo(3);
    // Each answer is in the journal's events and in the inputs of the steps after it, yet stored
    // once: the table holds it in one row, and nothing else.
    List<String> stored = payloads();
    assertThat(stored).hasSize(3);
    assertThat(stored).containsExactlyInAnyOrder(quoted(ONE), quoted(TWO), quoted(THREE));

    lattice.close();
    startNode();

    assertWhole(http.run(api, runId), http.events(api, runId));
    assertThat(payloads()).hasSize(3);
  }

  private String execute() throws Exception {
    String plan =
        """
        {"steps": [
          {"id": "one", "capability": "llm",
           "input": {"model": "scripted-model", "prompt": "step one"}},
          {"id": "two", "capability": "llm", "dependsOn": ["one"],
           "input": {"model": "scripted-model", "messages": [
             {"role": "user", "content": "step one"},
             {"role": "assistant", "content": "${steps.one.output.text}"},
             {"role": "user", "content": "step two"}]}},
          {"id": "three", "capability": "llm", "dependsOn": ["two"],
           "input": {"model": "scripted-model", "messages": [
             {"role": "user", "content": "step one"},
             {"role": "assistant", "content": "${steps.one.output.text}"},
             {"role": "user", "content": "step two"},
             {"role": "assistant", "content": "${steps.two.output.text}"},
             {"role": "user", "content": "step three"}]}}]}
        """;
    String runId = http.execute(api, "{\"plan\": " + plan + "}", UUID.randomUUID().toString());
    Await.result(lattice.client().awaitTerminal(RunId.of(runId)));
    return runId;
  }

  private static void assertWhole(JsonNode run, List<JsonNode> events) {
    assertThat(run.get("status").asText()).isEqualTo("completed");
    assertThat(run.get("steps"))
        .extracting(step -> step.get("output").get("text").asText())
        .containsExactly(ONE, TWO, THREE);
    assertThat(events)
        .filteredOn(e -> e.get("type").asText().equals("step.succeeded"))
        .extracting(e -> e.get("data").get("output").get("text").asText())
        .containsExactly(ONE, TWO, THREE);
  }

  private static boolean holdsAnyAnswer(String row) {
    // A tenth of an answer: no row holds even a part of one.
    return List.of(ONE, TWO, THREE).stream()
        .anyMatch(answer -> row.contains(answer.substring(0, answer.length() / 10)));
  }

  private static String quoted(String text) {
    return JsonNodeFactory.instance.textNode(text).toString();
  }

  /**
   * The journal's events as JSON text (rows are CBOR, whose long strings come in chunks); rows of
   * Pekko's own entities, in other encodings, are left out.
   */
  private List<String> journalRows() throws Exception {
    int cbor =
        SerializationExtension.get(lattice.system()).serializerFor(RunChange.class).identifier();
    return query(
        "select \"event_payload\" from \"event_journal\" where \"event_ser_id\" = " + cbor,
        rs -> cbor(rs.getBytes(1)).toString());
  }

  private int refRows() throws SQLException {
    String sql =
        "select count(*) from \"event_journal\" where \"adapter_manifest\" = '"
            + JournalPayloads.REFS_MANIFEST
            + "'";
    return query(sql, rs -> rs.getInt(1)).get(0);
  }

  private List<String> payloads() throws SQLException {
    return query(
        "select \"content\" from \"lattice_payload\"", rs -> cbor(rs.getBytes(1)).toString());
  }

  private static JsonNode cbor(byte[] bytes) {
    try {
      return CBOR.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> List<T> query(String sql, RowReader<T> reader) throws SQLException {
    // The node's own URL: the same database (for H2, the same file and settings, opened again).
    String url =
        lattice
            .system()
            .settings()
            .config()
            .getString("pekko-persistence-jdbc.shared-databases.slick.db.url");
    JournalDatabase db = journal.database();
    String user = db == null ? "sa" : db.user();
    String password = db == null ? "" : db.password();
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<T> values = new ArrayList<>();
      while (rs.next()) {
        values.add(reader.read(rs));
      }
      return values;
    }
  }
}
