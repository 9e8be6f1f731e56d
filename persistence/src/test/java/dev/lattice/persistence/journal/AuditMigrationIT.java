package dev.lattice.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.persistence.readmodel.AuditStatements;
import dev.lattice.persistence.readmodel.JdbcAuditLog;
import dev.lattice.persistence.readmodel.ReadModelDatabase;
import dev.lattice.protocol.api.AuditPage;
import dev.lattice.protocol.api.AuditQuery;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.AuditKind;
import dev.lattice.protocol.ids.BusKey;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration of the audit trail from a row per entry (V4) to a row per run and dispatcher write
 * (V5) on an H2 file (on PostgreSQL in {@link AuditMigrationPostgresIT}): every entry written
 * before it reads back the same after it, in the same order, and a cursor of a page read before it
 * still starts the next page where that page ended. Rows written after it come after the copied
 * ones.
 */
class AuditMigrationIT {
  private static final String INSERT_V4 =
      "INSERT INTO \"lattice_audit\" (\"run_id\", \"bus_key\", \"at\", \"kind\", \"step_id\","
          + " \"attempt\", \"agent_id\", \"detail\", \"data\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final BusKey ECHO = BusKey.parse("agent/echo/0/default");
  private static final RunId RUN = RunId.of("migrated-run");

  @TempDir Path data;

  /** A database with nothing in it yet. */
  JournalDatabase database() {
    return JournalDatabase.h2File(data, "audit-migration", "");
  }

  @Test
  void entriesWrittenOneRowEachReadBackTheSameAfterTheMigration() throws Exception {
    JournalDatabase database = database();
    Flyway.configure()
        .dataSource(database.url(), database.user(), database.password())
        .locations(database.dialect().migrations())
        .table("lattice_schema_history")
        .target("4")
        .load()
        .migrate();
    AuditEntry reserved =
        new AuditEntry(
            Instant.parse("2026-06-01T12:00:00.123456Z"),
            ECHO.value(),
            AuditKind.BUDGET_RESERVED,
            RUN,
            "a",
            1,
            null,
            "estimate reserved against the tenant's \"budget\"",
            LatticeJson.mapper()
                .readTree("{\"maxTokens\":2000,\"estimateUsd\":0.05,\"model\":null}"));
    AuditEntry dispatched = ofTheEchoAgent(AuditKind.DISPATCHED, "2026-06-01T12:00:01Z");
    try (Connection c = connect(database)) {
      insertV4(c, reserved);
      insertV4(c, dispatched);
    }

    String cursorBefore;
    try (ReadModelDatabase readModels = new ReadModelDatabase(database, 1)) {
      cursorBefore = firstPageCursor(readModels);
    }
    assertThat(SchemaMigrations.migrate(database)).isPositive();

    // A write after the migration: its row comes after the copied ones.
    AuditEntry done = ofTheEchoAgent(AuditKind.DONE, "2026-06-01T12:00:02Z");
    try (Connection c = connect(database)) {
      AuditStatements.insert(c, AuditStatements.rows(List.of(done)), 0);
    }

    try (ReadModelDatabase readModels = new ReadModelDatabase(database, 1)) {
      JdbcAuditLog auditLog = new JdbcAuditLog(readModels.dataSource());
      assertThat(auditLog.byRun(RUN).entries()).containsExactly(reserved, dispatched, done);
      AuditPage next = auditLog.byBusKey(new AuditQuery(ECHO, cursorBefore, 10));
      assertThat(next.entries()).containsExactly(dispatched, done);
      assertThat(next.next()).isNull();
    }
  }

  /** An entry about the second attempt of step {@code a}, on agent {@code local.echo}. */
  private static AuditEntry ofTheEchoAgent(AuditKind kind, String at) {
    return new AuditEntry(
        Instant.parse(at), ECHO.value(), kind, RUN, "a", 2, "local.echo", null, null);
  }

  private static Connection connect(JournalDatabase database) throws SQLException {
    return DriverManager.getConnection(database.url(), database.user(), database.password());
  }

  /** The cursor after the first entry, as the V4 reader returned it: the row's id. */
  private static String firstPageCursor(ReadModelDatabase readModels) throws SQLException {
    try (Connection c = readModels.dataSource().getConnection();
        PreparedStatement query = c.prepareStatement("SELECT MIN(\"id\") FROM \"lattice_audit\"");
        var rs = query.executeQuery()) {
      rs.next();
      return Long.toString(rs.getLong(1));
    }
  }

  private static void insertV4(Connection c, AuditEntry entry) throws Exception {
    try (PreparedStatement insert = c.prepareStatement(INSERT_V4)) {
      insert.setString(1, entry.runId().value());
      insert.setString(2, entry.busKey());
      insert.setTimestamp(3, Timestamp.from(entry.at()));
      insert.setString(4, entry.kind().wire());
      insert.setString(5, entry.stepId());
      insert.setInt(6, entry.attempt());
      nullable(insert, 7, entry.agentId());
      nullable(insert, 8, entry.detail());
      nullable(
          insert,
          9,
          entry.data() == null ? null : LatticeJson.mapper().writeValueAsString(entry.data()));
      insert.executeUpdate();
    }
  }

  private static void nullable(PreparedStatement insert, int index, String value)
      throws SQLException {
    if (value == null) {
      insert.setNull(index, Types.VARCHAR);
    } else {
      insert.setString(index, value);
    }
  }
}
