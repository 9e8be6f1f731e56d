package dev.lattice.orchestrator.testing;

import dev.lattice.orchestrator.node.Lattice;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Reads the journal table of a running node directly, through its own JDBC URL. */
public final class JournalRows {
  private JournalRows() {}

  /** The run index's status of {@code runId}, or {@code null} when the index has no such run. */
  public static String indexedStatus(Lattice lattice, String runId) {
    try (Connection c = DriverManager.getConnection(url(lattice), "sa", "");
        java.sql.PreparedStatement s =
            c.prepareStatement(
                "select \"status\" from \"lattice_run_index\" where \"run_id\" = ?")) {
      s.setString(1, runId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String url(Lattice lattice) {
    return lattice
        .system()
        .settings()
        .config()
        .getString("pekko-persistence-jdbc.shared-databases.slick.db.url");
  }

  public static long indexedCount(Lattice lattice) {
    return scalar(lattice, "select count(*) from \"lattice_run_index\"");
  }

  public static long count(Lattice lattice) {
    return scalar(lattice, "select count(*) from \"event_journal\"");
  }

  private static long scalar(Lattice lattice, String sql) {
    try (Connection c = DriverManager.getConnection(url(lattice), "sa", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
