package dev.lattice.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/** Counts journal rows, by the kind of entity that wrote them. */
final class JournalRows {
  private JournalRows() {}

  /**
   * Rows per writer kind: the persistence id up to its separator ({@code Run}, {@code Agent}...).
   */
  static Map<String, Long> byKind(String url, String user, String password) throws SQLException {
    Map<String, Long> counts = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select \"persistence_id\", count(*) from \"event_journal\" group by \"persistence_id\"")) {
      while (rs.next()) {
        counts.merge(kind(rs.getString(1)), rs.getLong(2), Long::sum);
      }
    }
    return counts;
  }

  static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
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
