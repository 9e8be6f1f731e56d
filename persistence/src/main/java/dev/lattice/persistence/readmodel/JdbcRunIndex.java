package dev.lattice.persistence.readmodel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The run index in a SQL table ({@code lattice_run_index}). Every method is one transaction and
 * blocks: call it from a dispatcher meant for blocking work.
 */
public final class JdbcRunIndex {
  // Registering is an existence check plus a plain insert: measured on H2, a standard MERGE
  // (USING VALUES) cost several times as much CPU per row, and the index is written for every run.
  private static final String REGISTER =
      "INSERT INTO \"lattice_run_index\" (\"run_id\", \"tenant\", \"status\", \"source\","
          + " \"created_at\", \"updated_at\") VALUES (?, ?, ?, ?, ?, ?)";
  private static final String EXISTING =
      "SELECT \"run_id\" FROM \"lattice_run_index\" WHERE \"run_id\" = ANY(?)";
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
          Set<String> existing = existing(c, registrations);
          Set<String> inserting = new HashSet<>();
          try (PreparedStatement insert = c.prepareStatement(REGISTER)) {
            for (int i = 0; i < registrations.size(); i++) {
              RunIndexEntry e = registrations.get(i);
              // A run registered again (a retried request) keeps the row it has.
              if (existing.contains(e.runId()) || !inserting.add(e.runId())) {
                continue;
              }
              inserted[i] = true;
              Timestamp at = Timestamp.from(e.createdAt());
              insert.setString(1, e.runId());
              insert.setString(2, e.tenant());
              insert.setString(3, e.status());
              insert.setString(4, e.source());
              insert.setTimestamp(5, at);
              insert.setTimestamp(6, at);
              insert.addBatch();
            }
            insert.executeBatch();
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

  private static Set<String> existing(Connection c, List<RunIndexEntry> registrations)
      throws SQLException {
    Object[] ids = registrations.stream().map(RunIndexEntry::runId).toArray();
    try (PreparedStatement query = c.prepareStatement(EXISTING)) {
      query.setArray(1, c.createArrayOf("VARCHAR", ids));
      Set<String> found = new HashSet<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getString(1));
        }
      }
      return found;
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
