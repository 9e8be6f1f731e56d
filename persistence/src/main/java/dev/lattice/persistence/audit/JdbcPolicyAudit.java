package dev.lattice.persistence.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lattice.protocol.audit.PolicyChange;
import dev.lattice.protocol.json.LatticeJson;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Appends to the policy chain ({@link ChainIds#POLICY}). Unlike a dispatcher's or a run's chain it
 * has no single writer (every node records the policy it starts with, and an administrator may
 * change policy through any node), so an append that loses a race for the next place (the unique
 * (chain, seq) index) is rolled back and tried again on the new head: optimistic, without locks,
 * and cheap because policy changes are rare. Blocks: run it on a dispatcher meant for blocking
 * work.
 */
public final class JdbcPolicyAudit {
  // SQLSTATE of a unique constraint violation, in H2 and PostgreSQL alike.
  private static final String UNIQUE_VIOLATION = "23505";

  private final DataSource dataSource;
  private final int attempts;

  /**
   * @param attempts how many times to try an append that keeps losing races for its place
   */
  public JdbcPolicyAudit(DataSource dataSource, int attempts) {
    this.dataSource = dataSource;
    this.attempts = attempts;
  }

  /** Appends {@code change} to the policy chain. */
  public void record(PolicyChange change) throws SQLException {
    String entries = json(change);
    List<SQLException> lost = new ArrayList<>();
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try {
          AuditChains.append(
              c,
              List.of(new AuditChains.NewRow(ChainIds.POLICY, null, null, entries)),
              change.at().toEpochMilli());
          c.commit();
          return;
        } catch (SQLException e) {
          c.rollback();
          if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
            throw e;
          }
          lost.add(e);
        }
      }
    }
    SQLException failed =
        new SQLException(
            "the policy chain kept moving: " + attempts + " attempts lost their place");
    lost.forEach(failed::addSuppressed);
    throw failed;
  }

  private static String json(PolicyChange change) {
    try {
      return LatticeJson.mapper().writeValueAsString(List.of(change));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a policy change as JSON", e);
    }
  }
}
