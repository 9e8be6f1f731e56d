package dev.lattice.persistence.readmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.json.LatticeJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;

/** The audit trail's writes, run inside the journal's transaction by the journal DAO. */
public final class AuditStatements {
  private static final String INSERT =
      "INSERT INTO \"lattice_audit\" (\"run_id\", \"bus_key\", \"at\", \"kind\", \"step_id\","
          + " \"attempt\", \"agent_id\", \"detail\", \"data\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private AuditStatements() {}

  /** Inserts {@code entries}, in order, in one batch on {@code connection} (without committing). */
  public static void insert(Connection connection, List<AuditEntry> entries) throws SQLException {
    if (entries.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      for (AuditEntry entry : entries) {
        insert.setString(1, entry.runId().value());
        insert.setString(2, entry.busKey());
        insert.setTimestamp(3, Timestamp.from(entry.at()));
        insert.setString(4, entry.kind().wire());
        insert.setString(5, entry.stepId());
        insert.setInt(6, entry.attempt());
        nullable(insert, 7, entry.agentId());
        nullable(insert, 8, entry.detail());
        nullable(insert, 9, entry.data() == null ? null : json(entry));
        insert.addBatch();
      }
      insert.executeBatch();
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

  private static String json(AuditEntry entry) {
    try {
      return LatticeJson.mapper().writeValueAsString(entry.data());
    } catch (JsonProcessingException e) {
      // A JsonNode always writes; this would be a bug in Jackson.
      throw new IllegalStateException("cannot write an audit entry's data as JSON", e);
    }
  }
}
