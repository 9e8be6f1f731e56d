package dev.lattice.persistence.audit;

import com.nimbusds.jose.JWSObject;
import dev.lattice.protocol.api.AuditFinding;
import dev.lattice.protocol.api.AuditVerification;
import dev.lattice.protocol.api.ChainVerification;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * Verifies audit chains in the database ({@link ChainWalk} checks each): a dispatcher's, the policy
 * chain, or a run's. A run's trail is its own chain (its interventions) and its rows in its
 * dispatchers' chains; since a row deleted from a dispatcher's chain leaves no trace of which run
 * it was about, a run's verification checks every chain of its tenant's dispatchers from the rows
 * recorded shortly before the run was created to their heads (and from its own earliest row there,
 * should that be earlier). Every method blocks: call it from a dispatcher meant for blocking work.
 */
public final class AuditVerifier {
  private static final String COLUMNS =
      "SELECT \"id\", \"seq\", \"prev_hash\", \"recorded_at\", \"run_id\", \"bus_key\","
          + " \"entries\", \"digest\", \"hash\" FROM \"lattice_audit\" WHERE \"chain\" = ?";
  private static final String ROWS_FROM = COLUMNS + " AND \"seq\" >= ? ORDER BY \"seq\", \"id\"";
  private static final String ROW_AT = COLUMNS + " AND \"seq\" = ?";
  private static final String FIRST_AT_OR_AFTER =
      "SELECT \"seq\", \"recorded_at\" FROM \"lattice_audit\" WHERE \"chain\" = ? AND \"seq\" >= ?"
          + " ORDER BY \"seq\" LIMIT 1";
  private static final String HEAD =
      "SELECT \"seq\", \"hash\", \"jws\" FROM \"lattice_audit_head\" WHERE \"chain\" = ?";
  private static final String BUS_CHAINS =
      "SELECT \"chain\" FROM \"lattice_audit_head\" WHERE \"chain\" LIKE 'bus:%'";
  private static final String CHAINS_OF_RUN =
      "SELECT \"chain\", MIN(\"seq\") FROM \"lattice_audit\" WHERE \"run_id\" = ?"
          + " AND \"chain\" LIKE 'bus:%' GROUP BY \"chain\"";
  private static final String RUN_EXISTS =
      "SELECT 1 FROM \"lattice_run_index\" WHERE \"run_id\" = ?";
  private static final int FETCH_SIZE = 1000;

  private final DataSource dataSource;
  private final KeyRing keys;
  private final AuditSettings settings;

  public AuditVerifier(DataSource dataSource, KeyRing keys, AuditSettings settings) {
    this.dataSource = dataSource;
    this.keys = keys;
    this.settings = settings;
  }

  /** The whole chain of the dispatcher {@code busKey}. */
  public AuditVerification busKey(String busKey) throws SQLException {
    return whole(ChainIds.bus(busKey));
  }

  /** The whole policy chain. */
  public AuditVerification policy() throws SQLException {
    return whole(ChainIds.POLICY);
  }

  /**
   * Run {@code runId}'s trail: its own chain, and its tenant's dispatchers' chains from shortly
   * before {@code createdAt}.
   */
  public AuditVerification run(String runId, String tenant, Instant createdAt) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      List<ChainVerification> chains = new ArrayList<>();
      List<AuditFinding> findings = new ArrayList<>();
      verify(c, ChainIds.run(runId), 1, chains, findings);
      long since = createdAt.minus(settings.clockSkew()).toEpochMilli();
      for (Map.Entry<String, Long> chain : busChains(c, runId, tenant).entrySet()) {
        long from = Math.min(firstRecordedSince(c, chain.getKey(), since), chain.getValue());
        verify(c, chain.getKey(), from, chains, findings);
      }
      return report(ChainIds.run(runId), chains, findings);
    }
  }

  private AuditVerification whole(String chain) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      List<ChainVerification> chains = new ArrayList<>();
      List<AuditFinding> findings = new ArrayList<>();
      verify(c, chain, 1, chains, findings);
      return report(chain, chains, findings);
    }
  }

  private static AuditVerification report(
      String subject, List<ChainVerification> chains, List<AuditFinding> findings) {
    boolean intact = chains.stream().allMatch(ChainVerification::intact);
    return new AuditVerification(subject, intact, chains, findings);
  }

  private void verify(
      Connection c,
      String chain,
      long fromSeq,
      List<ChainVerification> chains,
      List<AuditFinding> findings)
      throws SQLException {
    ChainWalk.Head head = head(c, chain);
    long signedSeq = signedSeq(head);
    long from = signedSeq > 0 ? Math.max(1, Math.min(fromSeq, signedSeq)) : Math.max(1, fromSeq);
    ChainWalk.Row before = from > 1 ? rowAt(c, chain, from - 1) : null;
    ChainWalk walk =
        new ChainWalk(chain, from, before, runId -> runExists(c, runId), settings.maxFindings());
    walk.watch(signedSeq);
    try (PreparedStatement query = c.prepareStatement(ROWS_FROM)) {
      query.setFetchSize(FETCH_SIZE);
      query.setString(1, chain);
      query.setLong(2, from);
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          walk.accept(row(rs));
        }
      }
    }
    chains.add(walk.finish(head, keys));
    findings.addAll(walk.findings());
  }

  /**
   * The dispatchers' chains of {@code tenant}, and of the run, with the run's first place in each.
   */
  private static Map<String, Long> busChains(Connection c, String runId, String tenant)
      throws SQLException {
    Map<String, Long> chains = new LinkedHashMap<>();
    TreeSet<String> sorted = new TreeSet<>();
    try (PreparedStatement query = c.prepareStatement(BUS_CHAINS);
        ResultSet rs = query.executeQuery()) {
      while (rs.next()) {
        String chain = rs.getString(1);
        if (chain.endsWith("/" + tenant)) {
          sorted.add(chain);
        }
      }
    }
    try (PreparedStatement query = c.prepareStatement(CHAINS_OF_RUN)) {
      query.setString(1, runId);
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          sorted.add(rs.getString(1));
          chains.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    Map<String, Long> ordered = new LinkedHashMap<>();
    for (String chain : sorted) {
      ordered.put(chain, chains.getOrDefault(chain, Long.MAX_VALUE));
    }
    return ordered;
  }

  /**
   * The place of the first row of {@code chain} recorded at or after {@code since} (epoch ms), by
   * halving the places: rows are recorded in the order of their places, give or take the clocks of
   * the nodes a dispatcher moved between, which the clock skew allows for.
   */
  private static long firstRecordedSince(Connection c, String chain, long since)
      throws SQLException {
    long low = 1;
    long high = Long.MAX_VALUE;
    ChainWalk.Head head = head(c, chain);
    if (head != null) {
      high = head.seq() + 1;
    }
    try (PreparedStatement query = c.prepareStatement(FIRST_AT_OR_AFTER)) {
      while (low < high && high != Long.MAX_VALUE) {
        long mid = low + (high - low) / 2;
        query.setString(1, chain);
        query.setLong(2, mid);
        try (ResultSet rs = query.executeQuery()) {
          if (!rs.next() || rs.getLong(2) >= since) {
            high = mid;
          } else {
            low = rs.getLong(1) + 1;
          }
        }
      }
    }
    return high == Long.MAX_VALUE ? 1 : low;
  }

  private static ChainWalk.Head head(Connection c, String chain) throws SQLException {
    try (PreparedStatement query = c.prepareStatement(HEAD)) {
      query.setString(1, chain);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next()
            ? new ChainWalk.Head(rs.getLong(1), rs.getString(2), rs.getString(3))
            : null;
      }
    }
  }

  /** The place a head's signature names (unverified yet: the walk verifies it), or -1. */
  private static long signedSeq(ChainWalk.Head head) {
    if (head == null || head.jws() == null) {
      return -1;
    }
    try {
      return SignedHead.parse(JWSObject.parse(head.jws()).getPayload().toString()).seq();
    } catch (Exception e) {
      return -1;
    }
  }

  private static ChainWalk.Row rowAt(Connection c, String chain, long seq) throws SQLException {
    try (PreparedStatement query = c.prepareStatement(ROW_AT)) {
      query.setString(1, chain);
      query.setLong(2, seq);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next() ? row(rs) : null;
      }
    }
  }

  private static ChainWalk.Row row(ResultSet rs) throws SQLException {
    return new ChainWalk.Row(
        rs.getLong(1),
        rs.getLong(2),
        rs.getString(3),
        rs.getLong(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        rs.getString(8),
        rs.getString(9));
  }

  private static boolean runExists(Connection c, String runId) {
    try (PreparedStatement query = c.prepareStatement(RUN_EXISTS)) {
      query.setString(1, runId);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      // Unknown: count the row as emptied by retention rather than fail the whole verification.
      return false;
    }
  }
}
