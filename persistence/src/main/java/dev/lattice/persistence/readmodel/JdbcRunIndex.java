package dev.lattice.persistence.readmodel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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

  private final DataSource dataSource;

  public JdbcRunIndex(DataSource dataSource) {
    this.dataSource = dataSource;
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
}
