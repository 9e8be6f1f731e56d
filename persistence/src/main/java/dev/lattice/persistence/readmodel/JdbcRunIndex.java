package dev.lattice.persistence.readmodel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The run index in a SQL table ({@code lattice_run_index}). Every method is one transaction and
 * blocks: call it from a dispatcher meant for blocking work.
 */
public final class JdbcRunIndex {
  // Standard SQL MERGE (H2 2.x and PostgreSQL 15+): registers a run unless it is already there,
  // so registering again (a retried request) never resets a run that has moved on.
  private static final String REGISTER =
      "MERGE INTO \"lattice_run_index\" t USING (VALUES (CAST(? AS VARCHAR(128)), CAST(? AS"
          + " VARCHAR(63)), CAST(? AS VARCHAR(16)), CAST(? AS VARCHAR(255)), CAST(? AS TIMESTAMP"
          + " WITH TIME ZONE))) s(run_id, tenant, status, source, at) ON t.\"run_id\" = s.run_id"
          + " WHEN NOT MATCHED THEN INSERT (\"run_id\", \"tenant\", \"status\", \"source\","
          + " \"created_at\", \"updated_at\") VALUES (s.run_id, s.tenant, s.status, s.source, s.at,"
          + " s.at)";
  private static final String UPDATE_STATUS =
      "UPDATE \"lattice_run_index\" SET \"status\" = ?, \"updated_at\" = ? WHERE \"run_id\" = ?"
          + " AND \"updated_at\" <= ?";
  private static final String FORGET_STALE =
      "DELETE FROM \"lattice_run_index\" WHERE \"run_id\" = ? AND \"created_at\" < ?";
  private static final String UNFINISHED =
      "SELECT \"run_id\" FROM \"lattice_run_index\" WHERE \"status\" IN (?, ?, ?) AND"
          + " \"run_id\" > ? ORDER BY \"run_id\" LIMIT ?";

  private final DataSource dataSource;

  public JdbcRunIndex(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * In one transaction: registers runs not yet in the index (existing ones are left as they are, so
   * registering again never resets a run that moved on), applies status changes (a change older
   * than the row's current one is ignored, so changes arriving out of order cannot move a run
   * back), and removes the runs of {@code forget} registered before {@code staleBefore} (runs whose
   * journal turned out empty: registered, but never started).
   *
   * @return for each registration, whether it inserted a new row (the run id was new)
   */
  public boolean[] write(
      List<RunIndexEntry> registrations,
      List<StatusChange> changes,
      List<String> forget,
      Instant staleBefore)
      throws SQLException {
    boolean[] inserted = new boolean[registrations.size()];
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (!registrations.isEmpty()) {
          try (PreparedStatement insert = c.prepareStatement(REGISTER)) {
            for (RunIndexEntry e : registrations) {
              insert.setString(1, e.runId());
              insert.setString(2, e.tenant());
              insert.setString(3, e.status());
              insert.setString(4, e.source());
              insert.setTimestamp(5, Timestamp.from(e.createdAt()));
              insert.addBatch();
            }
            int[] counts = insert.executeBatch();
            for (int i = 0; i < counts.length; i++) {
              inserted[i] = counts[i] > 0;
            }
          }
        }
        if (!changes.isEmpty()) {
          try (PreparedStatement update = c.prepareStatement(UPDATE_STATUS)) {
            for (StatusChange change : changes) {
              Timestamp at = Timestamp.from(change.at());
              update.setString(1, change.status());
              update.setTimestamp(2, at);
              update.setString(3, change.runId());
              update.setTimestamp(4, at);
              update.addBatch();
            }
            update.executeBatch();
          }
        }
        if (!forget.isEmpty()) {
          try (PreparedStatement delete = c.prepareStatement(FORGET_STALE)) {
            for (String runId : forget) {
              delete.setString(1, runId);
              delete.setTimestamp(2, Timestamp.from(staleBefore));
              delete.addBatch();
            }
            delete.executeBatch();
          }
        }
        c.commit();
        return inserted;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Up to {@code limit} unfinished runs with ids after {@code afterRunId}, in id order. */
  public List<String> unfinished(String afterRunId, int limit) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement query = c.prepareStatement(UNFINISHED)) {
      query.setString(1, "queued");
      query.setString(2, "running");
      query.setString(3, "paused");
      query.setString(4, afterRunId);
      query.setInt(5, limit);
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    }
  }

  /**
   * A run's new status.
   *
   * @param runId the run
   * @param status its status
   * @param at when it changed
   */
  public record StatusChange(String runId, String status, Instant at) {}
}
