package dev.lattice.persistence.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends rows to audit chains inside the caller's transaction: each row gets the next place in its
 * chain, the hash of the row before it and its own hash ({@link AuditHash}), and each chain's head
 * row moves to its new last row. The heads are read in the same transaction, without a lock: every
 * chain has a single writer whose previous write has committed before it writes again (a
 * dispatcher, a run entity), so what is read is current. Rows of one write chain one after the
 * other in the order given, so a batch of many decisions is as linear as one at a time. Should a
 * second writer ever append to a chain at once (a split brain), the unique (chain, seq) index fails
 * its transaction instead of letting the chain fork.
 */
public final class AuditChains {
  private static final String HEAD =
      "SELECT \"seq\", \"hash\" FROM \"lattice_audit_head\" WHERE \"chain\" = ?";
  private static final String INSERT =
      "INSERT INTO \"lattice_audit\" (\"run_id\", \"bus_key\", \"entries\", \"chain\", \"seq\","
          + " \"prev_hash\", \"recorded_at\", \"digest\", \"hash\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String MOVE_HEAD =
      "UPDATE \"lattice_audit_head\" SET \"seq\" = ?, \"hash\" = ? WHERE \"chain\" = ?";
  private static final String NEW_HEAD =
      "INSERT INTO \"lattice_audit_head\" (\"seq\", \"hash\", \"chain\") VALUES (?, ?, ?)";

  /**
   * A row to append.
   *
   * @param chain its chain ({@link ChainIds})
   * @param runId its run, if any
   * @param busKey its dispatcher, if any
   * @param entries its entries, a JSON array as text
   */
  public record NewRow(String chain, String runId, String busKey, String entries) {}

  /** A chain's last row: its place and hash. */
  public record Head(long seq, String hash) {
    static final Head EMPTY = new Head(0, null);
  }

  private AuditChains() {}

  /**
   * Appends {@code rows}, in order, recorded at {@code recordedAt} (epoch milliseconds), on {@code
   * connection} without committing.
   */
  public static void append(Connection connection, List<NewRow> rows, long recordedAt)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    Map<String, Head> before = heads(connection, rows);
    Map<String, Head> after = new LinkedHashMap<>(before);
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      for (NewRow row : rows) {
        Head head = after.get(row.chain());
        long seq = head.seq() + 1;
        String digest = AuditHash.digest(row.entries());
        String hash =
            AuditHash.row(
                row.chain(), seq, head.hash(), recordedAt, row.runId(), row.busKey(), digest);
        insert.setString(1, row.runId());
        insert.setString(2, row.busKey());
        insert.setString(3, row.entries());
        insert.setString(4, row.chain());
        insert.setLong(5, seq);
        insert.setString(6, head.hash());
        insert.setLong(7, recordedAt);
        insert.setString(8, digest);
        insert.setString(9, hash);
        insert.addBatch();
        after.put(row.chain(), new Head(seq, hash));
      }
      insert.executeBatch();
    }
    moveHeads(connection, before, after);
  }

  private static Map<String, Head> heads(Connection connection, List<NewRow> rows)
      throws SQLException {
    Map<String, Head> heads = new LinkedHashMap<>();
    try (PreparedStatement query = connection.prepareStatement(HEAD)) {
      for (NewRow row : rows) {
        if (heads.containsKey(row.chain())) {
          continue;
        }
        query.setString(1, row.chain());
        try (ResultSet rs = query.executeQuery()) {
          heads.put(row.chain(), rs.next() ? new Head(rs.getLong(1), rs.getString(2)) : Head.EMPTY);
        }
      }
    }
    return heads;
  }

  private static void moveHeads(
      Connection connection, Map<String, Head> before, Map<String, Head> after)
      throws SQLException {
    List<String> moved = new ArrayList<>();
    List<String> created = new ArrayList<>();
    before.forEach((chain, head) -> (head.seq() == 0 ? created : moved).add(chain));
    write(connection, MOVE_HEAD, moved, after);
    write(connection, NEW_HEAD, created, after);
  }

  private static void write(
      Connection connection, String sql, List<String> chains, Map<String, Head> heads)
      throws SQLException {
    if (chains.isEmpty()) {
      return;
    }
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (String chain : chains) {
        Head head = heads.get(chain);
        statement.setLong(1, head.seq());
        statement.setString(2, head.hash());
        statement.setString(3, chain);
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }
}
