package dev.lattice.persistence.readmodel;

import dev.lattice.protocol.api.RunPage;
import dev.lattice.protocol.api.RunQuery;
import dev.lattice.protocol.api.RunSummary;
import dev.lattice.protocol.run.RunStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads the run index ({@code lattice_run_index}), which the journal DAO keeps in step with the
 * runs' journals ({@link RunIndexStatements}). Every method blocks: call it from a dispatcher meant
 * for blocking work.
 */
public final class JdbcRunIndex {
  private static final String UNFINISHED =
      "SELECT \"run_id\" FROM \"lattice_run_index\" WHERE \"status\" IN (?, ?, ?) AND"
          + " \"run_id\" > ? ORDER BY \"run_id\" LIMIT ?";
  private static final String COLUMNS =
      "SELECT \"run_id\", \"tenant\", \"status\", \"source\", \"created_at\", \"updated_at\""
          + " FROM \"lattice_run_index\"";
  private static final String ONE = COLUMNS + " WHERE \"run_id\" = ?";
  // Through the status index: only the runs that have not ended are read.
  private static final String UNFINISHED_BY_TENANT =
      "SELECT \"tenant\", \"status\", COUNT(*) FROM \"lattice_run_index\""
          + " WHERE \"status\" IN ('queued', 'running', 'paused') GROUP BY \"tenant\", \"status\"";
  private static final String BY_STATUS =
      "SELECT \"status\", COUNT(*) FROM \"lattice_run_index\" GROUP BY \"status\"";

  private final DataSource dataSource;

  public JdbcRunIndex(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Up to {@code limit} unfinished runs with ids after {@code afterRunId}, in id order. */
  public List<String> unfinished(String afterRunId, int limit) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement query = c.prepareStatement(UNFINISHED)) {
      query.setString(1, RunStatus.QUEUED.wire());
      query.setString(2, RunStatus.RUNNING.wire());
      query.setString(3, RunStatus.PAUSED.wire());
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

  /** One run, if the index has it. */
  public Optional<RunSummary> find(String runId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement query = c.prepareStatement(ONE)) {
      query.setString(1, runId);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next() ? Optional.of(summary(rs)) : Optional.empty();
      }
    }
  }

  /**
   * A page of runs in descending run id order (newest first for the time-ordered ids of runs
   * started without an idempotency key), filtered by {@code query}.
   */
  public RunPage list(RunQuery query) throws SQLException {
    StringBuilder sql = new StringBuilder(COLUMNS).append(" WHERE 1 = 1");
    List<String> parameters = new ArrayList<>();
    if (query.status() != null) {
      sql.append(" AND \"status\" = ?");
      parameters.add(query.status().wire());
    }
    if (query.tenant() != null) {
      sql.append(" AND \"tenant\" = ?");
      parameters.add(query.tenant().value());
    }
    if (query.after() != null) {
      sql.append(" AND \"run_id\" < ?");
      parameters.add(query.after());
    }
    // One row more than asked tells whether there is a next page.
    sql.append(" ORDER BY \"run_id\" DESC LIMIT ").append(query.limit() + 1);
    try (Connection c = dataSource.getConnection();
        PreparedStatement statement = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < parameters.size(); i++) {
        statement.setString(i + 1, parameters.get(i));
      }
      List<RunSummary> runs = new ArrayList<>();
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          runs.add(summary(rs));
        }
      }
      if (runs.size() <= query.limit()) {
        return new RunPage(runs, null);
      }
      List<RunSummary> page = runs.subList(0, query.limit());
      return new RunPage(List.copyOf(page), page.get(page.size() - 1).runId());
    }
  }

  /** How many runs are in each status (statuses without runs are absent). */
  public Map<RunStatus, Long> countByStatus() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement query = c.prepareStatement(BY_STATUS);
        ResultSet rs = query.executeQuery()) {
      Map<RunStatus, Long> counts = new EnumMap<>(RunStatus.class);
      while (rs.next()) {
        counts.put(RunStatus.fromWire(rs.getString(1)), rs.getLong(2));
      }
      return counts;
    }
  }

  /** How many runs that have not ended are in each status, by tenant (empty ones are absent). */
  public List<TenantRuns> countUnfinishedByTenant() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement query = c.prepareStatement(UNFINISHED_BY_TENANT);
        ResultSet rs = query.executeQuery()) {
      List<TenantRuns> counts = new ArrayList<>();
      while (rs.next()) {
        counts.add(
            new TenantRuns(rs.getString(1), RunStatus.fromWire(rs.getString(2)), rs.getLong(3)));
      }
      return counts;
    }
  }

  /** How many runs of {@code tenant} are in {@code status}. */
  public record TenantRuns(String tenant, RunStatus status, long runs) {}

  private static RunSummary summary(ResultSet rs) throws SQLException {
    return new RunSummary(
        rs.getString(1),
        rs.getString(2),
        RunStatus.fromWire(rs.getString(3)),
        rs.getString(4),
        instant(rs.getTimestamp(5)),
        instant(rs.getTimestamp(6)));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
