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

  public static long count(Lattice lattice) {
    String url =
        lattice
            .system()
            .settings()
            .config()
            .getString("pekko-persistence-jdbc.shared-databases.slick.db.url");
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from \"event_journal\"")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
