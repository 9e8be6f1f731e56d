package dev.lattice.worker.action.retrieval;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The vector store: the table {@code lattice_vector} in the journal's database (migration V7 of the
 * persistence module), read and written over plain JDBC. Every statement names the tenant, so one
 * tenant's rows are never read or changed for another's. Calls block on the database: make them on
 * a dedicated dispatcher, never on an actor's thread.
 */
public final class VectorTable {
  private static final String UPSERT_H2 =
      "MERGE INTO \"lattice_vector\" (\"tenant\", \"collection\", \"id\", \"document\", \"text\","
          + " \"metadata\", \"dimension\", \"vector\", \"updated_at\")"
          + " KEY (\"tenant\", \"collection\", \"id\")"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)";
  private static final String UPSERT_POSTGRES =
      "INSERT INTO \"lattice_vector\" (\"tenant\", \"collection\", \"id\", \"document\", \"text\","
          + " \"metadata\", \"dimension\", \"vector\", \"updated_at\")"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)"
          + " ON CONFLICT (\"tenant\", \"collection\", \"id\") DO UPDATE SET"
          + " \"document\" = EXCLUDED.\"document\", \"text\" = EXCLUDED.\"text\","
          + " \"metadata\" = EXCLUDED.\"metadata\", \"dimension\" = EXCLUDED.\"dimension\","
          + " \"vector\" = EXCLUDED.\"vector\", \"updated_at\" = EXCLUDED.\"updated_at\"";
  private static final String SELECT_VECTORS =
      "SELECT \"id\", \"vector\" FROM \"lattice_vector\""
          + " WHERE \"tenant\" = ? AND \"collection\" = ?";

  private final DataSource dataSource;

  public VectorTable(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * A chunk to store.
   *
   * @param id its id in its collection
   * @param document the document it is part of, if any
   * @param text its text
   * @param metadata a JSON object as text, if any
   * @param vector its embedding
   */
  public record Row(String id, String document, String text, String metadata, float[] vector) {}

  /** A stored chunk and its similarity to a query, from -1 to 1. */
  public record Match(String id, String document, String text, String metadata, double score) {}

  /**
   * A query's outcome: the best matches, best first, and how many rows of the collection have
   * vectors of another dimension than the query's (those made by another model, never compared).
   */
  public record Found(List<Match> matches, int otherDimension) {}

  /**
   * Stores {@code rows} in {@code tenant}'s {@code collection}, replacing rows of the same ids, in
   * one transaction. With {@code document}, rows of that document whose ids are not among {@code
   * rows} are deleted in the same transaction, so that storing a document again leaves exactly its
   * new chunks.
   *
   * @return how many rows of the document were deleted
   */
  public int upsert(String tenant, String collection, String document, List<Row> rows)
      throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        write(connection, tenant, collection, rows);
        int removed =
            document == null ? 0 : removeOthers(connection, tenant, collection, document, rows);
        connection.commit();
        return removed;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  /** The {@code k} chunks of {@code tenant}'s {@code collection} most like {@code query}. */
  public Found nearest(String tenant, String collection, float[] query, int k) throws SQLException {
    Nearest nearest = new Nearest(query, k);
    int otherDimension = 0;
    try (Connection connection = dataSource.getConnection()) {
      // Only ids and vectors are read for ranking; text and metadata of the best ones only.
      try (PreparedStatement select = connection.prepareStatement(SELECT_VECTORS)) {
        select.setString(1, tenant);
        select.setString(2, collection);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            if (!nearest.offer(rows.getString(1), decode(rows.getBytes(2)))) {
              otherDimension++;
            }
          }
        }
      }
      List<Nearest.Scored> best = nearest.best();
      Map<String, Match> byId = details(connection, tenant, collection, best);
      List<Match> matches = new ArrayList<>(best.size());
      for (Nearest.Scored scored : best) {
        Match row = byId.get(scored.id());
        // A row deleted between the two reads is left out.
        if (row != null) {
          matches.add(
              new Match(row.id(), row.document(), row.text(), row.metadata(), scored.score()));
        }
      }
      return new Found(matches, otherDimension);
    }
  }

  private static void write(Connection connection, String tenant, String collection, List<Row> rows)
      throws SQLException {
    boolean postgres = "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
    try (PreparedStatement upsert =
        connection.prepareStatement(postgres ? UPSERT_POSTGRES : UPSERT_H2)) {
      for (Row row : rows) {
        upsert.setString(1, tenant);
        upsert.setString(2, collection);
        upsert.setString(3, row.id());
        upsert.setString(4, row.document());
        upsert.setString(5, row.text());
        upsert.setString(6, row.metadata());
        upsert.setInt(7, row.vector().length);
        upsert.setBytes(8, encode(row.vector()));
        upsert.addBatch();
      }
      upsert.executeBatch();
    }
  }

  private static int removeOthers(
      Connection connection, String tenant, String collection, String document, List<Row> kept)
      throws SQLException {
    String sql =
        "DELETE FROM \"lattice_vector\" WHERE \"tenant\" = ? AND \"collection\" = ?"
            + " AND \"document\" = ?"
            + (kept.isEmpty() ? "" : " AND \"id\" NOT IN (" + "?, ".repeat(kept.size() - 1) + "?)");
    try (PreparedStatement delete = connection.prepareStatement(sql)) {
      delete.setString(1, tenant);
      delete.setString(2, collection);
      delete.setString(3, document);
      for (int i = 0; i < kept.size(); i++) {
        delete.setString(i + 4, kept.get(i).id());
      }
      return delete.executeUpdate();
    }
  }

  private static Map<String, Match> details(
      Connection connection, String tenant, String collection, List<Nearest.Scored> best)
      throws SQLException {
    Map<String, Match> byId = new HashMap<>();
    if (best.isEmpty()) {
      return byId;
    }
    String sql =
        "SELECT \"id\", \"document\", \"text\", \"metadata\" FROM \"lattice_vector\""
            + " WHERE \"tenant\" = ? AND \"collection\" = ? AND \"id\" IN ("
            + "?, ".repeat(best.size() - 1)
            + "?)";
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, tenant);
      select.setString(2, collection);
      for (int i = 0; i < best.size(); i++) {
        select.setString(i + 3, best.get(i).id());
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          String id = rows.getString(1);
          byId.put(id, new Match(id, rows.getString(2), rows.getString(3), rows.getString(4), 0));
        }
      }
    }
    return byId;
  }

  /** A vector as 32-bit floats, big-endian: four bytes a component. */
  static byte[] encode(float[] vector) {
    ByteBuffer bytes = ByteBuffer.allocate(Float.BYTES * vector.length);
    bytes.asFloatBuffer().put(vector);
    return bytes.array();
  }

  static float[] decode(byte[] bytes) {
    float[] vector = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).asFloatBuffer().get(vector);
    return vector;
  }
}
