package dev.lattice.bench;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** One row into the journal table, shaped like the rows Lattice writes. */
final class JournalInsert {
  static final String SQL =
      "insert into \"event_journal\" (\"deleted\", \"persistence_id\", \"sequence_number\","
          + " \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\","
          + " \"event_ser_id\", \"event_ser_manifest\") values (false, ?, ?, ?, ?, '', ?, 1, ?)";

  private JournalInsert() {}

  static void bind(PreparedStatement insert, String persistenceId, long seq, byte[] payload)
      throws SQLException {
    insert.setString(1, persistenceId);
    insert.setLong(2, seq);
    insert.setString(3, "baseline");
    insert.setLong(4, System.currentTimeMillis());
    insert.setBytes(5, payload);
    insert.setString(6, "baseline.Event");
  }
}
