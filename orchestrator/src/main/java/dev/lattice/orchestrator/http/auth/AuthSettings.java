package dev.lattice.orchestrator.http.auth;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of the API's authentication ({@code lattice.http.auth}); each is described in {@code
 * reference.conf}.
 *
 * @param enabled whether requests need credentials; off answers every request as an admin of every
 *     tenant, and says so in the log at every start
 * @param bootstrapAdminKey whether the first start of a cluster creates an admin key
 * @param renewAdminKey whether this start creates another admin key, for a lost one
 * @param adminKeyFile the file, in the data directory, the first admin key is written to
 * @param adminKeyImport a file holding the first admin key to register instead, or empty
 * @param keyCacheTtl how long a node trusts what it read about a key (a revocation on another node
 *     takes effect within this)
 * @param unknownKeyCacheTtl how long a node remembers that a key does not exist
 * @param keyCacheMaxEntries how many keys a node remembers
 * @param runTenantCacheMaxEntries how many runs' tenants a node remembers (they never change)
 * @param streamTokenTtl how long a stream token is valid
 * @param maxStreamsPerPrincipal event streams one principal may hold open on a node at once
 * @param streamsRetryAfter when a principal over that limit may try again
 * @param jwt the JWT issuer and claims
 */
public record AuthSettings(
    boolean enabled,
    boolean bootstrapAdminKey,
    boolean renewAdminKey,
    String adminKeyFile,
    String adminKeyImport,
    Duration keyCacheTtl,
    Duration unknownKeyCacheTtl,
    int keyCacheMaxEntries,
    int runTenantCacheMaxEntries,
    Duration streamTokenTtl,
    int maxStreamsPerPrincipal,
    Duration streamsRetryAfter,
    JwtSettings jwt) {

  /** These settings with authentication on or off. */
  public AuthSettings withEnabled(boolean value) {
    return new AuthSettings(
        value,
        bootstrapAdminKey,
        renewAdminKey,
        adminKeyFile,
        adminKeyImport,
        keyCacheTtl,
        unknownKeyCacheTtl,
        keyCacheMaxEntries,
        runTenantCacheMaxEntries,
        streamTokenTtl,
        maxStreamsPerPrincipal,
        streamsRetryAfter,
        jwt);
  }

  public static AuthSettings create(Config root) {
    Config c = root.getConfig("lattice.http.auth");
    return new AuthSettings(
        c.getBoolean("enabled"),
        c.getBoolean("admin-key.bootstrap"),
        c.getBoolean("admin-key.renew"),
        c.getString("admin-key.file"),
        c.getString("admin-key.import"),
        c.getDuration("keys.cache-ttl"),
        c.getDuration("keys.unknown-cache-ttl"),
        c.getInt("keys.cache-max-entries"),
        c.getInt("run-tenant-cache-max-entries"),
        c.getDuration("stream-tokens.ttl"),
        c.getInt("max-streams-per-principal"),
        c.getDuration("streams-retry-after"),
        JwtSettings.create(c.getConfig("jwt")));
  }
}
