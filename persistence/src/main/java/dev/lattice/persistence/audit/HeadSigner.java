package dev.lattice.persistence.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Signs the heads of the audit chains that moved since their last signature: a JWS (EdDSA, Ed25519)
 * over {@link SignedHead}, stored with the head. Run by every node every {@code
 * lattice.audit.sign-interval}, off the journal's write path (a signature costs ~0.7 ms), and once
 * more when the node stops. A head that moves while it is being signed keeps its newer place: the
 * signature is stored only if the head is still where it was signed, and the next round signs it.
 * Nodes that sign the same head at once store equal claims; either is valid. Blocks: run it on a
 * dispatcher meant for blocking work.
 */
public final class HeadSigner {
  private static final String MOVED =
      "SELECT \"chain\", \"seq\", \"hash\" FROM \"lattice_audit_head\""
          + " WHERE \"signed_seq\" IS NULL OR \"signed_seq\" <> \"seq\" LIMIT ?";
  private static final String SIGNED =
      "UPDATE \"lattice_audit_head\" SET \"signed_seq\" = ?, \"jws\" = ?"
          + " WHERE \"chain\" = ? AND \"seq\" = ?";

  private final DataSource dataSource;
  private final KeyRing keys;
  private final int batch;
  private final Clock clock;

  public HeadSigner(DataSource dataSource, KeyRing keys, int batch, Clock clock) {
    this.dataSource = dataSource;
    this.keys = keys;
    this.batch = batch;
    this.clock = clock;
  }

  /** Signs up to a batch of moved heads; returns how many it signed. */
  public int signMoved() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      List<SignedHead> moved = new ArrayList<>();
      try (PreparedStatement query = c.prepareStatement(MOVED)) {
        query.setInt(1, batch);
        try (ResultSet rs = query.executeQuery()) {
          while (rs.next()) {
            moved.add(
                new SignedHead(rs.getString(1), rs.getLong(2), rs.getString(3), clock.instant()));
          }
        }
      }
      if (moved.isEmpty()) {
        return 0;
      }
      // One head per transaction: the journal updates the heads of a write's chains in one
      // transaction, in the write's order, so a signer holding several head rows at once could
      // deadlock with it (H2 found one under load). Holding one, it only ever waits.
      c.setAutoCommit(true);
      try (PreparedStatement update = c.prepareStatement(SIGNED)) {
        for (SignedHead head : moved) {
          update.setLong(1, head.seq());
          update.setString(2, Ed25519Jws.sign(keys.signing(), head.json()));
          update.setString(3, head.chain());
          update.setLong(4, head.seq());
          update.executeUpdate();
        }
      }
      return moved.size();
    }
  }

  /** Signs every moved head, batch after batch, until none is left (before a node stops). */
  public void signAll() throws SQLException {
    while (signMoved() == batch) {
      // Full batch: there may be more.
    }
  }
}
