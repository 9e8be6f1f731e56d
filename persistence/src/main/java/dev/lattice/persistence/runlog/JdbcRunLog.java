package dev.lattice.persistence.runlog;

import dev.lattice.persistence.readmodel.JdbcAuditLog;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.log.LogLine;
import dev.lattice.protocol.log.RunLogCursor;
import dev.lattice.protocol.log.RunLogEntry;
import dev.lattice.protocol.log.RunLogPage;
import dev.lattice.protocol.log.RunLogQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * Runs' own logs: what agents wrote and runs decided, in {@code lattice_run_log} (one row per batch
 * of one run, source and attempt; see the V10 migration), and the dispatchers' decisions, read from
 * the audit trail where they already are ({@link DecisionEntries}). A page merges the two by time,
 * each in the order it was recorded; its cursor holds a position in each ({@link RunLogCursor}), so
 * a page that ends with one of them behind loses nothing of it.
 *
 * <p>A page reads at most a bounded number of rows of each ({@code maxRowsPerPage}): a filter that
 * matches little can end a page early, with {@link RunLogPage#more()} set. Every method blocks:
 * call it from a dispatcher meant for blocking work.
 */
public final class JdbcRunLog {
  private static final String INSERT =
      "INSERT INTO \"lattice_run_log\" (\"run_id\", \"source\", \"step_id\", \"attempt\","
          + " \"max_level\", \"entries\") VALUES (?, ?, ?, ?, ?, ?)";
  private static final String ROWS =
      "SELECT \"id\", \"source\", \"step_id\", \"attempt\", \"entries\" FROM \"lattice_run_log\""
          + " WHERE \"run_id\" = ? AND \"id\" >= ? AND \"max_level\" >= ?";
  private static final String BY_SOURCE = " AND \"source\" = ?";
  private static final String BY_STEP = " AND \"step_id\" = ?";
  private static final String ORDER = " ORDER BY \"id\" LIMIT ?";

  private final DataSource dataSource;
  private final int maxRowsPerPage;

  /**
   * @param dataSource the journal's database
   * @param maxRowsPerPage the most rows one page reads of each of the two places
   */
  public JdbcRunLog(DataSource dataSource, int maxRowsPerPage) {
    this.dataSource = dataSource;
    this.maxRowsPerPage = maxRowsPerPage;
  }

  /** Stores {@code chunks}, a row each, in one transaction. */
  public void append(List<RunLogChunk> chunks) throws SQLException {
    if (chunks.isEmpty()) {
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try (PreparedStatement insert = c.prepareStatement(INSERT)) {
        for (RunLogChunk chunk : chunks) {
          insert.setString(1, chunk.runId().value());
          insert.setString(2, chunk.source());
          insert.setString(3, chunk.stepId());
          if (chunk.attempt() == null) {
            insert.setNull(4, Types.INTEGER);
          } else {
            insert.setInt(4, chunk.attempt());
          }
          insert.setInt(5, chunk.maxLevel().severity());
          insert.setString(6, RunLogJson.write(chunk.lines()));
          insert.addBatch();
        }
        insert.executeBatch();
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    }
  }

  /** A page of a run's log, as {@code query} says; empty for a run with no log (or none). */
  public RunLogPage page(RunLogQuery query) throws SQLException {
    RunLogCursor after = query.cursor();
    // One entry more than the page, to tell whether there is more; every row holds at least one.
    int batchRows = query.limit() + 2;
    Predicate<RunLogEntry> wanted =
        entry ->
            entry.level().atLeast(query.level())
                && (query.stepId() == null || query.stepId().equals(entry.stepId()))
                && (query.source() == null || query.source().equals(entry.source()));
    boolean decisionsWanted =
        query.source() == null || RunLogEntry.DISPATCHER.equals(query.source());
    boolean writtenWanted = !RunLogEntry.DISPATCHER.equals(query.source());
    try (Connection c = dataSource.getConnection()) {
      RowEntries written =
          new RowEntries(
              writtenWanted ? (from, limit) -> writtenRows(c, query, from, limit) : null,
              wanted,
              after.logRow(),
              after.logRead(),
              batchRows,
              maxRowsPerPage);
      RowEntries decisions =
          new RowEntries(
              decisionsWanted ? (from, limit) -> decisionRows(c, query.runId(), from, limit) : null,
              wanted,
              after.decisionRow(),
              after.decisionRead(),
              batchRows,
              maxRowsPerPage);
      List<RunLogEntry> entries = merge(written, decisions, query.limit());
      boolean more =
          written.peek() != null || decisions.peek() != null || written.cut() || decisions.cut();
      RunLogCursor next =
          new RunLogCursor(written.row(), written.read(), decisions.row(), decisions.read());
      return new RunLogPage(entries, next.text(), more);
    }
  }

  /** Up to {@code limit} entries of both, by time; on a tie, what an agent or the run wrote. */
  private static List<RunLogEntry> merge(RowEntries written, RowEntries decisions, int limit)
      throws SQLException {
    List<RunLogEntry> page = new ArrayList<>(Math.min(limit, 64));
    while (page.size() < limit) {
      RunLogEntry a = written.peek();
      RunLogEntry b = decisions.peek();
      if (a == null && b == null) {
        break;
      }
      if (b == null || (a != null && !a.at().isAfter(b.at()))) {
        page.add(a);
        written.take();
      } else {
        page.add(b);
        decisions.take();
      }
    }
    return page;
  }

  private static List<RowEntries.Row> writtenRows(
      Connection c, RunLogQuery query, long fromRow, int limit) throws SQLException {
    StringBuilder sql = new StringBuilder(ROWS);
    if (query.source() != null) {
      sql.append(BY_SOURCE);
    }
    if (query.stepId() != null) {
      sql.append(BY_STEP);
    }
    sql.append(ORDER);
    try (PreparedStatement select = c.prepareStatement(sql.toString())) {
      int p = 1;
      select.setString(p++, query.runId().value());
      select.setLong(p++, fromRow);
      select.setInt(p++, query.level().severity());
      if (query.source() != null) {
        select.setString(p++, query.source());
      }
      if (query.stepId() != null) {
        select.setString(p++, query.stepId());
      }
      select.setInt(p, limit);
      List<RowEntries.Row> rows = new ArrayList<>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          String source = rs.getString(2);
          String stepId = rs.getString(3);
          int attempt = rs.getInt(4);
          Integer attemptOrNull = rs.wasNull() ? null : attempt;
          List<RunLogEntry> entries = new ArrayList<>();
          for (LogLine line : RunLogJson.read(rs.getString(5))) {
            entries.add(
                new RunLogEntry(
                    line.at(), line.level(), source, stepId, attemptOrNull, line.message()));
          }
          rows.add(new RowEntries.Row(rs.getLong(1), entries));
        }
      }
      return rows;
    }
  }

  private static List<RowEntries.Row> decisionRows(
      Connection c, RunId runId, long fromRow, int limit) throws SQLException {
    List<RowEntries.Row> rows = new ArrayList<>();
    for (JdbcAuditLog.DecisionRow row : JdbcAuditLog.decisionsOfRun(c, runId, fromRow, limit)) {
      rows.add(
          new RowEntries.Row(row.id(), row.entries().stream().map(DecisionEntries::of).toList()));
    }
    return rows;
  }
}
