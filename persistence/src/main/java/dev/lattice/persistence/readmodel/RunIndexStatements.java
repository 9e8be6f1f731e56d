package dev.lattice.persistence.readmodel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;

/** The run index's writes, run inside the journal's transaction by the journal DAO. */
public final class RunIndexStatements {
  private static final String INSERT =
      "INSERT INTO \"lattice_run_index\" (\"run_id\", \"tenant\", \"status\", \"source\","
          + " \"created_at\", \"updated_at\") VALUES (?, ?, ?, ?, ?, ?)";
  private static final String UPDATE =
      "UPDATE \"lattice_run_index\" SET \"status\" = ?, \"updated_at\" = ? WHERE \"run_id\" = ?";

  private RunIndexStatements() {}

  /** Applies {@code changes}, in order, on {@code connection} (without committing). */
  public static void apply(Connection connection, List<RunIndexChange> changes)
      throws SQLException {
    if (changes.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT);
        PreparedStatement update = connection.prepareStatement(UPDATE)) {
      boolean inserts = false;
      boolean updates = false;
      // Inserts go first: a run that starts and ends in one batch is created, then updated.
      for (RunIndexChange change : changes) {
        if (change.creates()) {
          Timestamp at = Timestamp.from(change.at());
          insert.setString(1, change.runId());
          insert.setString(2, change.tenant());
          insert.setString(3, change.status());
          insert.setString(4, change.source());
          insert.setTimestamp(5, at);
          insert.setTimestamp(6, at);
          insert.addBatch();
          inserts = true;
        }
      }
      for (RunIndexChange change : changes) {
        if (!change.creates()) {
          update.setString(1, change.status());
          update.setTimestamp(2, Timestamp.from(change.at()));
          update.setString(3, change.runId());
          update.addBatch();
          updates = true;
        }
      }
      if (inserts) {
        insert.executeBatch();
      }
      if (updates) {
        update.executeBatch();
      }
    }
  }
}
