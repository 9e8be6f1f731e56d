package dev.lattice.persistence.readmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.api.AuditPage;
import dev.lattice.protocol.api.AuditQuery;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.AuditKind;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reads the audit trail ({@code lattice_audit}), which the journal DAO writes with the dispatchers'
 * events ({@link AuditStatements}): by run, or by bus key a page at a time, each in the order the
 * decisions were recorded. Every method blocks: call it from a dispatcher meant for blocking work.
 */
public final class JdbcAuditLog {
  private static final String COLUMNS =
      "SELECT \"id\", \"run_id\", \"bus_key\", \"at\", \"kind\", \"step_id\", \"attempt\","
          + " \"agent_id\", \"detail\", \"data\" FROM \"lattice_audit\"";
  private static final String BY_RUN = COLUMNS + " WHERE \"run_id\" = ? ORDER BY \"id\"";
  private static final String BY_BUS_KEY =
      COLUMNS + " WHERE \"bus_key\" = ? AND \"id\" > ? ORDER BY \"id\" LIMIT ?";

  private final DataSource dataSource;

  public JdbcAuditLog(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Every decision about {@code runId}'s steps, oldest first. */
  public List<AuditEntry> byRun(RunId runId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement query = c.prepareStatement(BY_RUN)) {
      query.setString(1, runId.value());
      List<AuditEntry> entries = new ArrayList<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          entries.add(entry(rs));
        }
      }
      return entries;
    }
  }

  /** A page of one dispatcher's decisions, oldest first, as {@code query} says. */
  public AuditPage byBusKey(AuditQuery query) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement statement = c.prepareStatement(BY_BUS_KEY)) {
      statement.setString(1, query.busKey().value());
      statement.setLong(2, query.afterPosition());
      // One row more than asked tells whether there is a next page.
      statement.setInt(3, query.limit() + 1);
      List<AuditEntry> entries = new ArrayList<>();
      long lastId = 0;
      boolean more = false;
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          if (entries.size() == query.limit()) {
            more = true;
            break;
          }
          entries.add(entry(rs));
          lastId = rs.getLong(1);
        }
      }
      return new AuditPage(entries, more ? Long.toString(lastId) : null);
    }
  }

  private static AuditEntry entry(ResultSet rs) throws SQLException {
    return new AuditEntry(
        rs.getTimestamp(4).toInstant(),
        rs.getString(3),
        AuditKind.fromWire(rs.getString(5)),
        RunId.of(rs.getString(2)),
        rs.getString(6),
        rs.getInt(7),
        rs.getString(8),
        rs.getString(9),
        json(rs.getString(10)));
  }

  private static JsonNode json(String text) throws SQLException {
    if (text == null) {
      return null;
    }
    try {
      return LatticeJson.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new SQLException("an audit entry's data is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
