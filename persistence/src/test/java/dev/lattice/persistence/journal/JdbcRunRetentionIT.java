package dev.lattice.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.persistence.audit.AuditSettings;
import dev.lattice.persistence.audit.AuditVerifier;
import dev.lattice.persistence.audit.Ed25519Keys;
import dev.lattice.persistence.audit.KeyRing;
import dev.lattice.persistence.readmodel.AuditStatements;
import dev.lattice.persistence.readmodel.JdbcAuditLog;
import dev.lattice.persistence.readmodel.ReadModelDatabase;
import dev.lattice.persistence.runlog.JdbcRunLog;
import dev.lattice.persistence.runlog.RunLogChunk;
import dev.lattice.protocol.api.AuditVerification;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.AuditKind;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.log.LogLevel;
import dev.lattice.protocol.log.LogLine;
import dev.lattice.protocol.log.RunLogEntry;
import dev.lattice.protocol.log.RunLogQuery;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retention's deletes on an H2 file (on PostgreSQL in {@link JdbcRunRetentionPostgresIT}) with
 * Lattice's schema (journal, snapshots, run index, audit trail), rows written here directly.
 */
class JdbcRunRetentionIT {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final Instant OLD = NOW.minus(Duration.ofDays(2));
  private static final Instant CUTOFF = NOW.minus(Duration.ofDays(1));

  /** The payload of every event and snapshot row: its content does not matter here. */
  private static final byte[] PAYLOAD = {0};

  @TempDir Path data;

  private ReadModelDatabase pool;
  private DataSource dataSource;
  private JdbcRunRetention retention;

  /** The database of one test. */
  JournalDatabase database() {
    return JournalDatabase.h2File(data, "retention", "");
  }

  @BeforeEach
  void createSchema() {
    JournalDatabase database = database();
    SchemaMigrations.migrate(database);
    pool = new ReadModelDatabase(database, 2);
    dataSource = pool.dataSource();
    retention = new JdbcRunRetention(dataSource, runId -> "Run|" + runId);
  }

  @AfterEach
  void closePool() {
    pool.close();
  }

  @Test
  void deletesEveryRowOfFinishedRunsLastChangedBeforeTheCutoffAndNothingElse() throws Exception {
    run("done", "completed", OLD, 3, 2);
    run("failed", "failed", OLD.plusSeconds(1), 2, 0);
    run("cancelled", "cancelled", OLD.plusSeconds(2), 2, 1);
    run("running", "running", OLD, 4, 1);
    run("paused", "paused", OLD, 4, 1);
    run("young", "completed", NOW, 3, 1);
    // A run whose id starts like a deleted one's, and another entity's journal.
    run("done-2", "running", OLD, 2, 0);
    events("Dispatcher|agent/echo/0/default", 3);
    JdbcRunLog runLogs = new JdbcRunLog(dataSource, 100);
    for (String runId : List.of("done", "failed", "running", "done-2")) {
      runLogs.append(
          List.of(
              new RunLogChunk(
                  RunId.of(runId),
                  "local.shell",
                  "s0",
                  1,
                  List.of(new LogLine(OLD, LogLevel.INFO, "a line of " + runId)))));
    }

    JdbcRunRetention.Deleted deleted = retention.deleteFinishedBefore(CUTOFF, 100);

    assertThat(deleted.runIds()).containsExactly("done", "failed", "cancelled");
    assertThat(deleted.events()).isEqualTo(7);
    assertThat(indexed()).containsExactlyInAnyOrder("running", "paused", "young", "done-2");
    for (String gone : List.of("done", "failed", "cancelled")) {
      assertThat(count("event_journal", "Run|" + gone)).isZero();
      assertThat(count("snapshot", "Run|" + gone)).isZero();
    }
    assertThat(count("event_journal", "Run|running")).isEqualTo(4);
    assertThat(count("snapshot", "Run|paused")).isEqualTo(1);
    assertThat(count("event_journal", "Run|young")).isEqualTo(3);
    assertThat(count("event_journal", "Run|done-2")).isEqualTo(2);
    assertThat(count("event_journal", "Dispatcher|agent/echo/0/default")).isEqualTo(3);
    JdbcAuditLog audit = new JdbcAuditLog(dataSource);
    for (String gone : List.of("done", "failed", "cancelled")) {
      assertThat(audit.byRun(RunId.of(gone)).entries()).isEmpty();
    }
    assertThat(audit.byRun(RunId.of("running")).entries()).hasSize(4);
    // A run's own log goes with it; the decisions it shows from the audit trail went above.
    for (String gone : List.of("done", "failed")) {
      assertThat(runLogs.page(everything(gone)).entries()).isEmpty();
    }
    assertThat(runLogs.page(everything("running")).entries())
        .extracting(RunLogEntry::message)
        .contains("a line of running");
    assertThat(runLogs.page(everything("done-2")).entries())
        .extracting(RunLogEntry::message)
        .contains("a line of done-2");
    assertThat(audit.byRun(RunId.of("done-2")).entries()).hasSize(2);
    // The dispatcher's chain kept the deleted runs' rows, emptied, and still verifies.
    AuditVerification verified =
        new AuditVerifier(
                dataSource,
                new KeyRing(Ed25519Keys.signingKey(data.resolve("key.jwk"), true), List.of()),
                new AuditSettings(
                    data.resolve("key.jwk"),
                    true,
                    List.of(),
                    Duration.ofSeconds(1),
                    10,
                    Duration.ofMinutes(1),
                    10))
            .busKey("agent/echo/0/default");
    assertThat(verified.intact()).as(verified.toString()).isTrue();
    assertThat(verified.chains().get(0).pruned()).isEqualTo(3);
  }

  @Test
  void deletesAtMostABatchOldestFirst() throws Exception {
    run("second", "completed", OLD.plusSeconds(1), 1, 0);
    run("first", "failed", OLD, 1, 0);
    run("third", "cancelled", OLD.plusSeconds(2), 1, 0);

    assertThat(retention.deleteFinishedBefore(CUTOFF, 2).runIds())
        .containsExactly("first", "second");
    assertThat(retention.deleteFinishedBefore(CUTOFF, 2).runIds()).containsExactly("third");
    assertThat(retention.deleteFinishedBefore(CUTOFF, 2).runIds()).isEmpty();
  }

  private static RunLogQuery everything(String runId) {
    return new RunLogQuery(RunId.of(runId), LogLevel.DEBUG, null, null, null, 100);
  }

  /** A run's index row, {@code events} journal rows and {@code snapshots} snapshot rows. */
  private void run(String runId, String status, Instant updatedAt, int events, int snapshots)
      throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement index =
            c.prepareStatement(
                "INSERT INTO \"lattice_run_index\" (\"run_id\", \"tenant\", \"status\","
                    + " \"created_at\", \"updated_at\") VALUES (?, 'default', ?, ?, ?)");
        PreparedStatement snapshot =
            c.prepareStatement(
                "INSERT INTO \"snapshot\" (\"persistence_id\", \"sequence_number\", \"created\","
                    + " \"snapshot_ser_id\", \"snapshot_ser_manifest\", \"snapshot_payload\")"
                    + " VALUES (?, ?, 0, 1, '', ?)")) {
      index.setString(1, runId);
      index.setString(2, status);
      index.setTimestamp(3, Timestamp.from(OLD));
      index.setTimestamp(4, Timestamp.from(updatedAt));
      index.executeUpdate();
      for (int seq = 1; seq <= snapshots; seq++) {
        snapshot.setString(1, "Run|" + runId);
        snapshot.setLong(2, seq);
        snapshot.setBytes(3, PAYLOAD);
        snapshot.executeUpdate();
      }
    }
    events("Run|" + runId, events);
    audit(runId, events);
  }

  /** {@code entries} audit entries of a run, as its dispatchers record them. */
  private void audit(String runId, int entries) throws SQLException {
    List<AuditEntry> trail = new ArrayList<>();
    for (int i = 0; i < entries; i++) {
      trail.add(
          new AuditEntry(
              OLD,
              "agent/echo/0/default",
              AuditKind.DONE,
              RunId.of(runId),
              "s" + i,
              1,
              null,
              null,
              null));
    }
    try (Connection c = dataSource.getConnection()) {
      AuditStatements.insert(c, AuditStatements.rows(trail), 0);
    }
  }

  private void events(String persistenceId, int events) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO \"event_journal\" (\"persistence_id\", \"sequence_number\","
                    + " \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\","
                    + " \"event_ser_id\", \"event_ser_manifest\") VALUES (?, ?, 'w', 0, '', ?, 1,"
                    + " '')")) {
      for (int seq = 1; seq <= events; seq++) {
        insert.setString(1, persistenceId);
        insert.setLong(2, seq);
        insert.setBytes(3, PAYLOAD);
        insert.executeUpdate();
      }
    }
  }

  private List<String> indexed() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement query =
            c.prepareStatement("SELECT \"run_id\" FROM \"lattice_run_index\"");
        ResultSet rs = query.executeQuery()) {
      List<String> ids = new ArrayList<>();
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
      return ids;
    }
  }

  private long count(String table, String persistenceId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement query =
            c.prepareStatement(
                "SELECT COUNT(*) FROM \"" + table + "\" WHERE \"persistence_id\" = ?")) {
      query.setString(1, persistenceId);
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
