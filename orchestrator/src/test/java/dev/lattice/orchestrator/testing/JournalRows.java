package dev.lattice.orchestrator.testing;

import com.typesafe.config.Config;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.run.RunEntity;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.pekko.persistence.typed.PersistenceId;

/** Reads the journal table of a running node directly, through its own JDBC URL and user. */
public final class JournalRows {
  private JournalRows() {}

  /** The run index's status of {@code runId}, or {@code null} when the index has no such run. */
  public static String indexedStatus(Lattice lattice, String runId) {
    try (Connection c = connect(lattice);
        PreparedStatement s =
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

  /** A connection to the node's database, through its own JDBC URL and user. */
  static Connection connect(Lattice lattice) throws SQLException {
    Config db =
        lattice
            .system()
            .settings()
            .config()
            .getConfig("pekko-persistence-jdbc.shared-databases.slick.db");
    return DriverManager.getConnection(
        db.getString("url"), db.getString("user"), db.getString("password"));
  }

  public static long indexedCount(Lattice lattice) {
    return scalar(lattice, "select count(*) from \"lattice_run_index\"");
  }

  public static long count(Lattice lattice) {
    return scalar(lattice, "select count(*) from \"event_journal\"");
  }

  /** The journal rows of runs (not of dispatchers, agents or sharding). */
  public static long runRows(Lattice lattice) {
    String prefix = PersistenceId.of(RunEntity.ENTITY_TYPE_KEY.name(), "").id();
    return scalar(
        lattice,
        "select count(*) from \"event_journal\" where \"persistence_id\" like ?",
        prefix + "%");
  }

  /** The runs the journal holds events of. */
  public static long runs(Lattice lattice) {
    String prefix = PersistenceId.of(RunEntity.ENTITY_TYPE_KEY.name(), "").id();
    return scalar(
        lattice,
        "select count(distinct \"persistence_id\") from \"event_journal\""
            + " where \"persistence_id\" like ?",
        prefix + "%");
  }

  /** The journal rows of {@code persistenceId}. */
  public static long count(Lattice lattice, String persistenceId) {
    return scalar(
        lattice,
        "select count(*) from \"event_journal\" where \"persistence_id\" = ?",
        persistenceId);
  }

  /** The snapshot rows of {@code persistenceId}. */
  public static long snapshots(Lattice lattice, String persistenceId) {
    return scalar(
        lattice, "select count(*) from \"snapshot\" where \"persistence_id\" = ?", persistenceId);
  }

  /** The sequence number of the latest snapshot of {@code persistenceId}, 0 if it has none. */
  public static long latestSnapshot(Lattice lattice, String persistenceId) {
    return scalar(
        lattice,
        "select coalesce(max(\"sequence_number\"), 0) from \"snapshot\""
            + " where \"persistence_id\" = ?",
        persistenceId);
  }

  /** The rows of the payload table stored under {@code hash} (0 or 1: a content is one row). */
  public static long payloads(Lattice lattice, String hash) {
    return scalar(lattice, "select count(*) from \"lattice_payload\" where \"hash\" = ?", hash);
  }

  /** The rows of the vector store in {@code tenant}'s {@code collection}. */
  public static long vectors(Lattice lattice, String tenant, String collection) {
    return scalar(
        lattice,
        "select count(*) from \"lattice_vector\" where \"tenant\" = ? and \"collection\" = ?",
        tenant,
        collection);
  }

  private static long scalar(Lattice lattice, String sql, String... parameters) {
    try (Connection c = connect(lattice);
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setString(i + 1, parameters[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
