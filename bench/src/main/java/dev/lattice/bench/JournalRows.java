package dev.lattice.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the journal rows a round wrote, by the kind of entity that wrote them. Only the round's
 * rows are read (through the ordering index): scanning the whole journal between rounds would read
 * hundreds of megabytes after a long warm-up and evict the database's page cache just before the
 * next round.
 */
final class JournalRows {
  /** Rows of one round: how many per writer kind, and their payloads' bytes. */
  record Written(Map<String, Long> byKind, long rows, long bytes) {
    /** The average size of a row's payload, at least 1. */
    int averagePayload() {
      return (int) Math.max(1, Math.round(bytes / (double) Math.max(1, rows)));
    }
  }

  private JournalRows() {}

  /** The journal's highest ordering number so far; rows written later have higher ones. */
  static long lastOrdering(String url, String user, String password) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("select coalesce(max(\"ordering\"), 0) from \"event_journal\"")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Rows written after {@code ordering}, per writer kind: the persistence id up to its separator
   * ({@code Run}, {@code Agent}...).
   */
  static Written after(String url, String user, String password, long ordering)
      throws SQLException {
    Map<String, Long> counts = new TreeMap<>();
    long rows = 0;
    long bytes = 0;
    try (Connection c = DriverManager.getConnection(url, user, password);
        PreparedStatement s =
            c.prepareStatement(
                "select \"persistence_id\", count(*), sum(octet_length(\"event_payload\"))"
                    + " from \"event_journal\" where \"ordering\" > ? group by \"persistence_id\"")) {
      s.setLong(1, ordering);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          counts.merge(kind(rs.getString(1)), rs.getLong(2), Long::sum);
          rows += rs.getLong(2);
          bytes += rs.getLong(3);
        }
      }
    }
    return new Written(counts, rows, bytes);
  }

  private static String kind(String persistenceId) {
    int bar = persistenceId.indexOf('|');
    if (bar > 0) {
      return persistenceId.substring(0, bar);
    }
    if (persistenceId.startsWith("/sharding/")) {
      return "sharding";
    }
    int dash = persistenceId.indexOf('-');
    return dash > 0 ? persistenceId.substring(0, dash) : persistenceId;
  }
}
