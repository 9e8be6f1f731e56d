package dev.lattice.orchestrator.http.auth;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/**
 * Settings of JWT authentication ({@code lattice.http.auth.jwt}): which issuer's tokens a node
 * accepts, with which keys, and how their claims map to a {@link Principal}.
 *
 * @param issuer the {@code iss} every token must carry; empty turns JWTs off
 * @param audience the {@code aud} every token must name
 * @param jwksUrl where the issuer publishes its keys (a JWK set), or empty
 * @param jwksFile a JWK set file of the issuer's public keys, or empty
 * @param algorithms the signature algorithms accepted (never {@code none})
 * @param clockSkew how far clocks may disagree on {@code exp} and {@code nbf}
 * @param jwksCacheTtl how long the keys fetched from {@code jwksUrl} are used before fetched again
 * @param jwksTimeout how long fetching them may take
 * @param subjectClaim the claim naming the principal
 * @param tenantClaim the claim naming its tenant
 * @param rolesClaim the claim listing its roles (an array, or a string of names separated by commas
 *     or spaces); a dotted name reaches into nested objects
 * @param allTenants the value of the tenant claim that means every tenant (admins only)
 * @param cacheMaxEntries how many verified tokens a node remembers until they expire
 */
public record JwtSettings(
    String issuer,
    String audience,
    String jwksUrl,
    String jwksFile,
    List<String> algorithms,
    Duration clockSkew,
    Duration jwksCacheTtl,
    Duration jwksTimeout,
    String subjectClaim,
    String tenantClaim,
    String rolesClaim,
    String allTenants,
    int cacheMaxEntries) {

  public JwtSettings {
    algorithms = List.copyOf(algorithms);
    if (!issuer.isBlank() && jwksUrl.isBlank() == jwksFile.isBlank()) {
      throw new IllegalArgumentException(
          "lattice.http.auth.jwt needs exactly one of jwks-url and jwks-file when an issuer is set");
    }
    if (!issuer.isBlank() && audience.isBlank()) {
      throw new IllegalArgumentException(
          "lattice.http.auth.jwt.audience is required when an issuer is set");
    }
  }

  public static JwtSettings create(Config c) {
    return new JwtSettings(
        c.getString("issuer"),
        c.getString("audience"),
        c.getString("jwks-url"),
        c.getString("jwks-file"),
        c.getStringList("algorithms"),
        c.getDuration("clock-skew"),
        c.getDuration("jwks-cache-ttl"),
        c.getDuration("jwks-timeout"),
        c.getString("claims.subject"),
        c.getString("claims.tenant"),
        c.getString("claims.roles"),
        c.getString("claims.all-tenants"),
        c.getInt("cache-max-entries"));
  }

  /** Whether JWTs are accepted at all. */
  public boolean enabled() {
    return !issuer.isBlank();
  }
}
