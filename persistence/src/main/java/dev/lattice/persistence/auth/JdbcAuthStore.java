package dev.lattice.persistence.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The API keys ({@code lattice_api_key}) and the cluster's shared signing secrets ({@code
 * lattice_signing_key}) in the journal's database, so that every node of a cluster sees the same.
 * Every method blocks: call it from a dispatcher meant for blocking work.
 */
public final class JdbcAuthStore {
  /** SQLSTATE of a unique constraint's violation, in H2 and PostgreSQL alike. */
  private static final String UNIQUE_VIOLATION = "23505";

  private static final String COLUMNS =
      "SELECT \"id\", \"hash\", \"tenant\", \"roles\", \"name\", \"created_by\", \"created_at\","
          + " \"expires_at\", \"revoked_at\" FROM \"lattice_api_key\"";
  private static final String BY_HASH = COLUMNS + " WHERE \"hash\" = ?";
  private static final String BY_ID = COLUMNS + " WHERE \"id\" = ?";
  private static final String ALL = COLUMNS + " ORDER BY \"created_at\", \"id\"";
  private static final String OF_TENANT =
      COLUMNS + " WHERE \"tenant\" = ? ORDER BY \"created_at\", \"id\"";
  private static final String INSERT =
      "INSERT INTO \"lattice_api_key\" (\"id\", \"hash\", \"tenant\", \"roles\", \"name\","
          + " \"created_by\", \"created_at\", \"expires_at\", \"revoked_at\")"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  // A revocation is recorded once; its first time stays.
  private static final String REVOKE =
      "UPDATE \"lattice_api_key\" SET \"revoked_at\" = ? WHERE \"id\" = ? AND \"revoked_at\" IS NULL";
  // An expiry only ever moves earlier: a stopped key is never brought back this way.
  private static final String EXPIRE =
      "UPDATE \"lattice_api_key\" SET \"expires_at\" = ? WHERE \"id\" = ?"
          + " AND (\"expires_at\" IS NULL OR \"expires_at\" > ?)";
  private static final String SECRET =
      "SELECT \"secret\" FROM \"lattice_signing_key\" WHERE \"name\" = ?";
  private static final String INSERT_SECRET =
      "INSERT INTO \"lattice_signing_key\" (\"name\", \"secret\") VALUES (?, ?)";

  private final DataSource dataSource;

  public JdbcAuthStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The key whose hash is {@code hash}, whether it works or not. */
  public Optional<ApiKeyRow> findByHash(String hash) throws SQLException {
    return one(BY_HASH, hash);
  }

  /** The key {@code id}, whether it works or not. */
  public Optional<ApiKeyRow> find(String id) throws SQLException {
    return one(BY_ID, id);
  }

  /** Every key of {@code tenant}, or every key when it is {@code null}, oldest first. */
  public List<ApiKeyRow> list(String tenant) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement query = c.prepareStatement(tenant == null ? ALL : OF_TENANT)) {
      if (tenant != null) {
        query.setString(1, tenant);
      }
      List<ApiKeyRow> rows = new ArrayList<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          rows.add(row(rs));
        }
      }
      return rows;
    }
  }

  /**
   * Stores {@code key}; false, and nothing stored, when a key with its id (or its hash) exists
   * already.
   */
  public boolean insert(ApiKeyRow key) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement insert = c.prepareStatement(INSERT)) {
      insert.setString(1, key.id());
      insert.setString(2, key.hash());
      insert.setString(3, key.tenant());
      insert.setString(4, String.join(",", key.roles()));
      insert.setString(5, key.name());
      insert.setString(6, key.createdBy());
      insert.setTimestamp(7, Timestamp.from(key.createdAt()));
      insert.setTimestamp(8, timestamp(key.expiresAt()));
      insert.setTimestamp(9, timestamp(key.revokedAt()));
      insert.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        return false;
      }
      throw e;
    }
  }

  /** Revokes the key {@code id} at {@code at}; false if there is no such key or it was revoked. */
  public boolean revoke(String id, Instant at) throws SQLException {
    return update(REVOKE, at, id, null);
  }

  /**
   * Makes the key {@code id} expire at {@code at}, unless it expires earlier already; false if
   * there is no such key or its expiry was earlier.
   */
  public boolean expire(String id, Instant at) throws SQLException {
    return update(EXPIRE, at, id, at);
  }

  /**
   * The shared secret {@code name}: the stored one, or {@code generated} stored first. When nodes
   * race to create it, the first one's is the one every node gets.
   */
  public String signingSecret(String name, Supplier<String> generated) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      Optional<String> stored = secret(c, name);
      if (stored.isPresent()) {
        return stored.get();
      }
      try (PreparedStatement insert = c.prepareStatement(INSERT_SECRET)) {
        insert.setString(1, name);
        insert.setString(2, generated.get());
        insert.executeUpdate();
      } catch (SQLException e) {
        if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw e;
        }
      }
      return secret(c, name)
          .orElseThrow(() -> new SQLException("the signing secret " + name + " was not stored"));
    }
  }

  private static Optional<String> secret(Connection c, String name) throws SQLException {
    try (PreparedStatement query = c.prepareStatement(SECRET)) {
      query.setString(1, name);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  private boolean update(String sql, Instant at, String id, Instant bound) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement update = c.prepareStatement(sql)) {
      update.setTimestamp(1, Timestamp.from(at));
      update.setString(2, id);
      if (bound != null) {
        update.setTimestamp(3, Timestamp.from(bound));
      }
      return update.executeUpdate() == 1;
    }
  }

  private Optional<ApiKeyRow> one(String sql, String value) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement query = c.prepareStatement(sql)) {
      query.setString(1, value);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  private static ApiKeyRow row(ResultSet rs) throws SQLException {
    return new ApiKeyRow(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        Arrays.stream(rs.getString(4).split(",")).filter(r -> !r.isBlank()).toList(),
        rs.getString(5),
        rs.getString(6),
        instant(rs.getTimestamp(7)),
        instant(rs.getTimestamp(8)),
        instant(rs.getTimestamp(9)));
  }

  private static Timestamp timestamp(Instant at) {
    return at == null ? null : Timestamp.from(at);
  }

  private static Instant instant(Timestamp at) {
    return at == null ? null : at.toInstant();
  }
}
