package dev.lattice.persistence.readmodel;

import dev.lattice.protocol.api.AuditCursor;
import dev.lattice.protocol.api.AuditPage;
import dev.lattice.protocol.api.AuditQuery;
import dev.lattice.protocol.api.RunAudit;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.InterventionEntry;
import dev.lattice.protocol.ids.RunId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reads the audit trail ({@code lattice_audit}), which the journal DAO writes with the dispatchers'
 * and runs' events ({@link AuditStatements}): a run's entries from one dispatcher write to a row,
 * an intervention to a row of its run's chain. By run, or by bus key a page at a time, each in the
 * order recorded; rows that retention emptied are skipped. Every method blocks: call it from a
 * dispatcher meant for blocking work.
 */
public final class JdbcAuditLog {
  private static final String COLUMNS =
      "SELECT \"id\", \"run_id\", \"bus_key\", \"entries\" FROM \"lattice_audit\"";
  private static final String BY_RUN =
      COLUMNS + " WHERE \"run_id\" = ? AND \"entries\" IS NOT NULL ORDER BY \"id\"";
  private static final String BY_BUS_KEY =
      COLUMNS
          + " WHERE \"bus_key\" = ? AND \"id\" >= ? AND \"entries\" IS NOT NULL"
          + " ORDER BY \"id\" LIMIT ?";

  private static final String DECISIONS_OF_RUN =
      "SELECT \"id\", \"bus_key\", \"entries\" FROM \"lattice_audit\" WHERE \"run_id\" = ?"
          + " AND \"id\" >= ? AND \"bus_key\" IS NOT NULL AND \"entries\" IS NOT NULL"
          + " ORDER BY \"id\" LIMIT ?";

  private final DataSource dataSource;

  /**
   * One row of a run's dispatcher decisions.
   *
   * @param id the row's place in the audit trail
   * @param entries the decisions of one dispatcher's write about the run, in order
   */
  public record DecisionRow(long id, List<AuditEntry> entries) {}

  public JdbcAuditLog(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Every decision about {@code runId}'s steps and every intervention in it, oldest first. */
  public RunAudit byRun(RunId runId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement query = c.prepareStatement(BY_RUN)) {
      query.setString(1, runId.value());
      List<AuditEntry> entries = new ArrayList<>();
      List<InterventionEntry> interventions = new ArrayList<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          if (rs.getString(3) == null) {
            // Only a run's own chain has rows without a dispatcher: its interventions.
            interventions.addAll(AuditGroupJson.interventions(rs.getString(4)));
          } else {
            entries.addAll(entries(rs));
          }
        }
      }
      return new RunAudit(runId, entries, interventions);
    }
  }

  /** A page of one dispatcher's decisions, oldest first, as {@code query} says. */
  public AuditPage byBusKey(AuditQuery query) throws SQLException {
    AuditCursor after = query.cursor();
    // The cursor's own row again when the last page ended inside it.
    long fromRow = after.entriesRead() > 0 ? after.row() : after.row() + 1;
    try (Connection c = dataSource.getConnection();
        PreparedStatement statement = c.prepareStatement(BY_BUS_KEY)) {
      statement.setString(1, query.busKey().value());
      statement.setLong(2, fromRow);
      // Every row holds at least one entry, so besides the cursor's own row (which may have none
      // left) limit + 1 rows hold the page and the entry more that tells whether there is a next.
      statement.setInt(3, query.limit() + 2);
      List<AuditEntry> page = new ArrayList<>();
      AuditCursor next = null;
      long lastRow = after.row();
      try (ResultSet rs = statement.executeQuery()) {
        while (next == null && rs.next()) {
          long row = rs.getLong(1);
          List<AuditEntry> entries = entries(rs);
          int skip = row == after.row() ? after.entriesRead() : 0;
          for (int i = skip; i < entries.size(); i++) {
            if (page.size() == query.limit()) {
              // An entry beyond the page: the page ends before it.
              next = i == 0 ? new AuditCursor(lastRow, 0) : new AuditCursor(row, i);
              break;
            }
            page.add(entries.get(i));
          }
          lastRow = row;
        }
      }
      return new AuditPage(page, next == null ? null : next.text());
    }
  }

  /**
   * Up to {@code limit} rows of the decisions dispatchers made about {@code runId}'s steps, with
   * positions from {@code fromRow} on, in order, read on {@code c} (its interventions are not among
   * them).
   */
  public static List<DecisionRow> decisionsOfRun(Connection c, RunId runId, long fromRow, int limit)
      throws SQLException {
    try (PreparedStatement query = c.prepareStatement(DECISIONS_OF_RUN)) {
      query.setString(1, runId.value());
      query.setLong(2, fromRow);
      query.setInt(3, limit);
      List<DecisionRow> rows = new ArrayList<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new DecisionRow(
                  rs.getLong(1), AuditGroupJson.read(runId, rs.getString(2), rs.getString(3))));
        }
      }
      return rows;
    }
  }

  private static List<AuditEntry> entries(ResultSet rs) throws SQLException {
    return AuditGroupJson.read(RunId.of(rs.getString(2)), rs.getString(3), rs.getString(4));
  }
}
