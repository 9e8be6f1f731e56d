package dev.lattice.persistence.auth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One API key as stored ({@code lattice_api_key}, migration V9): never the key itself, only its
 * hash.
 *
 * @param id the key's public id, shown in lists and used to revoke it
 * @param hash the SHA-256 of the key, as 64 lower-case hex digits
 * @param tenant the one tenant the key may see, or {@code null} for every tenant
 * @param roles the key's roles, by their wire names
 * @param name what the key is for, as its creator described it; may be {@code null}
 * @param createdBy who created it
 * @param createdAt when
 * @param expiresAt when it stops working, or {@code null} for never
 * @param revokedAt when it was revoked, or {@code null} if it was not
 */
public record ApiKeyRow(
    String id,
    String hash,
    String tenant,
    List<String> roles,
    String name,
    String createdBy,
    Instant createdAt,
    Instant expiresAt,
    Instant revokedAt) {

  public ApiKeyRow {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(createdAt, "createdAt");
    roles = List.copyOf(roles);
  }

  /** Whether the key works at {@code now}: neither revoked nor expired by then. */
  public boolean activeAt(Instant now) {
    return (revokedAt == null || now.isBefore(revokedAt))
        && (expiresAt == null || now.isBefore(expiresAt));
  }
}
