package dev.lattice.orchestrator.http.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lattice.persistence.auth.ApiKeyRow;
import java.time.Instant;
import java.util.List;

/**
 * An API key as the API shows it: everything but the key, which is shown once, when it is created
 * ({@link CreatedApiKey}), and never stored.
 *
 * @param id the key's id
 * @param name what it is for
 * @param tenant the tenant it sees, or {@code *} for every tenant
 * @param roles its roles
 * @param status {@code active}, {@code expired} or {@code revoked}, now
 * @param createdBy who created it
 * @param createdAt when
 * @param expiresAt when it stops (or stopped) working, if ever
 * @param revokedAt when it was revoked, if it was
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiKeyView(
    String id,
    String name,
    String tenant,
    List<String> roles,
    String status,
    String createdBy,
    Instant createdAt,
    Instant expiresAt,
    Instant revokedAt) {

  /** How the tenant of a key of every tenant is written. */
  public static final String ALL_TENANTS = "*";

  static ApiKeyView of(ApiKeyRow row, Instant now) {
    String status =
        row.revokedAt() != null && !now.isBefore(row.revokedAt())
            ? "revoked"
            : row.activeAt(now) ? "active" : "expired";
    return new ApiKeyView(
        row.id(),
        row.name(),
        row.tenant() == null ? ALL_TENANTS : row.tenant(),
        row.roles(),
        status,
        row.createdBy(),
        row.createdAt(),
        row.expiresAt(),
        row.revokedAt());
  }
}
