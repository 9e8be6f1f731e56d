package dev.lattice.persistence.journal;

import dev.lattice.persistence.audit.ChainIds;
import dev.lattice.protocol.run.RunStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * Deletes finished runs whose last change is older than a cutoff: each run's journal rows, its
 * snapshots, its run-index row, its own log and its audit trail, all in one transaction, so that a
 * run is either wholly there or wholly gone. Recovery and event streams stop at a gap in a run's
 * sequence numbers; a run with no rows at all is simply unknown.
 *
 * <p>Only finished runs are touched, and that is decided inside the deleting transaction: a run's
 * index row is deleted only if it is still terminal and older than the cutoff, and its events only
 * if that delete took the row. The index row changes in the same transaction as the event that
 * changes the run's status, so it never shows a run as finished before its journal does. A finished
 * run never writes again (no lifecycle transition leaves a terminal status), so nothing can be
 * added to a run while or after it is deleted. Its dispatchers could still record a decision about
 * one of its attempts (an agent answering later than the retention age after the run ended); such
 * an audit row outlives the run, as would the log lines that answer brought.
 *
 * <p>The audit rows a dispatcher wrote about the run are links of that dispatcher's hash chain,
 * which must stay whole to verify: they keep their place, hashes and digest, and lose only their
 * entries (docs/security.md). The run's own chain (its interventions) goes with the run.
 *
 * <p>Every method blocks: call it from a dispatcher meant for blocking work.
 */
public final class JdbcRunRetention {
  private static final List<String> TERMINAL =
      Arrays.stream(RunStatus.values()).filter(RunStatus::terminal).map(RunStatus::wire).toList();
  private static final String TERMINAL_PARAMETERS =
      String.join(", ", Collections.nCopies(TERMINAL.size(), "?"));
  private static final String EXPIRED =
      "SELECT \"run_id\" FROM \"lattice_run_index\" WHERE \"status\" IN ("
          + TERMINAL_PARAMETERS
          + ") AND \"updated_at\" < ? ORDER BY \"updated_at\" LIMIT ?";
  private static final String DELETE_INDEX_ROW =
      "DELETE FROM \"lattice_run_index\" WHERE \"run_id\" = ? AND \"status\" IN ("
          + TERMINAL_PARAMETERS
          + ") AND \"updated_at\" < ?";
  private static final String DELETE_EVENTS =
      "DELETE FROM \"event_journal\" WHERE \"persistence_id\" = ?";
  private static final String DELETE_SNAPSHOTS =
      "DELETE FROM \"snapshot\" WHERE \"persistence_id\" = ?";
  private static final String DELETE_RUN_LOG =
      "DELETE FROM \"lattice_run_log\" WHERE \"run_id\" = ?";
  // Rows of no chain (written before chains) and of the run's own chain are deleted; the rows of
  // dispatchers' chains are emptied.
  private static final String DELETE_AUDIT =
      "DELETE FROM \"lattice_audit\" WHERE \"run_id\" = ? AND (\"chain\" IS NULL OR \"chain\" = ?)";
  private static final String EMPTY_AUDIT =
      "UPDATE \"lattice_audit\" SET \"entries\" = NULL WHERE \"run_id\" = ?";
  private static final String DELETE_AUDIT_HEAD =
      "DELETE FROM \"lattice_audit_head\" WHERE \"chain\" = ?";

  private final DataSource dataSource;
  private final UnaryOperator<String> persistenceIdOf;

  /**
   * @param dataSource the journal's database
   * @param persistenceIdOf the journal id of a run's events, given its run id
   */
  public JdbcRunRetention(DataSource dataSource, UnaryOperator<String> persistenceIdOf) {
    this.dataSource = dataSource;
    this.persistenceIdOf = persistenceIdOf;
  }

  /**
   * What one call deleted.
   *
   * @param runIds the runs deleted, oldest first
   * @param events their journal rows
   */
  public record Deleted(List<String> runIds, long events) {}

  /**
   * Deletes up to {@code limit} finished runs last changed before {@code cutoff}, oldest first, in
   * one transaction.
   */
  public Deleted deleteFinishedBefore(Instant cutoff, int limit) throws SQLException {
    Timestamp before = Timestamp.from(cutoff);
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        Deleted deleted = delete(c, expired(c, before, limit), before);
        c.commit();
        return deleted;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    }
  }

  private static List<String> expired(Connection c, Timestamp before, int limit)
      throws SQLException {
    try (PreparedStatement query = c.prepareStatement(EXPIRED)) {
      int next = bindTerminal(query, 1);
      query.setTimestamp(next, before);
      query.setInt(next + 1, limit);
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    }
  }

  private Deleted delete(Connection c, List<String> candidates, Timestamp before)
      throws SQLException {
    List<String> deleted = new ArrayList<>();
    long events = 0;
    try (PreparedStatement indexRow = c.prepareStatement(DELETE_INDEX_ROW);
        PreparedStatement journal = c.prepareStatement(DELETE_EVENTS);
        PreparedStatement snapshots = c.prepareStatement(DELETE_SNAPSHOTS);
        PreparedStatement runLog = c.prepareStatement(DELETE_RUN_LOG);
        PreparedStatement audit = c.prepareStatement(DELETE_AUDIT);
        PreparedStatement emptyAudit = c.prepareStatement(EMPTY_AUDIT);
        PreparedStatement auditHead = c.prepareStatement(DELETE_AUDIT_HEAD)) {
      for (String runId : candidates) {
        indexRow.setString(1, runId);
        indexRow.setTimestamp(bindTerminal(indexRow, 2), before);
        // Re-checked here, under the row's lock until commit: a run that is not (or no longer)
        // finished and old enough keeps every row.
        if (indexRow.executeUpdate() == 0) {
          continue;
        }
        String persistenceId = persistenceIdOf.apply(runId);
        journal.setString(1, persistenceId);
        events += journal.executeUpdate();
        snapshots.setString(1, persistenceId);
        snapshots.executeUpdate();
        runLog.setString(1, runId);
        runLog.executeUpdate();
        audit.setString(1, runId);
        audit.setString(2, ChainIds.run(runId));
        audit.executeUpdate();
        emptyAudit.setString(1, runId);
        emptyAudit.executeUpdate();
        auditHead.setString(1, ChainIds.run(runId));
        auditHead.executeUpdate();
        deleted.add(runId);
      }
    }
    return new Deleted(List.copyOf(deleted), events);
  }

  /** Binds the terminal statuses from parameter {@code first}; returns the next parameter. */
  private static int bindTerminal(PreparedStatement statement, int first) throws SQLException {
    int index = first;
    for (String status : TERMINAL) {
      statement.setString(index++, status);
    }
    return index;
  }
}
