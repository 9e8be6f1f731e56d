package dev.lattice.persistence.payload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The statements of the payload table ({@code lattice_payload}, migration V6). */
final class PayloadTable {
  // A part already stored is left as it is: its hash says its content is the same.
  private static final String INSERT_POSTGRES =
      "INSERT INTO \"lattice_payload\" (\"hash\", \"bytes\", \"content\") VALUES (?, ?, ?)"
          + " ON CONFLICT (\"hash\") DO NOTHING";
  private static final String INSERT_H2 =
      "INSERT INTO \"lattice_payload\" (\"hash\", \"bytes\", \"content\")"
          + " SELECT CAST(? AS VARCHAR(71)), CAST(? AS INTEGER), CAST(? AS VARBINARY)"
          + " WHERE NOT EXISTS (SELECT 1 FROM \"lattice_payload\" WHERE \"hash\" = ?)";

  /** Hashes looked up per query. */
  private static final int LOOKUP_CHUNK = 64;

  private PayloadTable() {}

  /**
   * Stores {@code parts} (content by hash) that are not stored yet, in the caller's transaction.
   */
  static void insert(Connection connection, Map<String, byte[]> parts) throws SQLException {
    if (parts.isEmpty()) {
      return;
    }
    boolean postgres = isPostgres(connection);
    try (PreparedStatement insert =
        connection.prepareStatement(postgres ? INSERT_POSTGRES : INSERT_H2)) {
      for (Map.Entry<String, byte[]> part : parts.entrySet()) {
        insert.setString(1, part.getKey());
        insert.setInt(2, part.getValue().length);
        insert.setBytes(3, part.getValue());
        if (!postgres) {
          insert.setString(4, part.getKey());
        }
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /** The contents of those of {@code hashes} that are stored, by hash. */
  static Map<String, byte[]> select(Connection connection, Collection<String> hashes)
      throws SQLException {
    Map<String, byte[]> found = new HashMap<>();
    List<String> all = new ArrayList<>(hashes);
    for (int from = 0; from < all.size(); from += LOOKUP_CHUNK) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + LOOKUP_CHUNK));
      String sql =
          "SELECT \"hash\", \"content\" FROM \"lattice_payload\" WHERE \"hash\" IN ("
              + "?, ".repeat(chunk.size() - 1)
              + "?)";
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        for (int i = 0; i < chunk.size(); i++) {
          select.setString(i + 1, chunk.get(i));
        }
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            found.put(rs.getString(1), rs.getBytes(2));
          }
        }
      }
    }
    return found;
  }

  private static boolean isPostgres(Connection connection) throws SQLException {
    return "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
  }
}
