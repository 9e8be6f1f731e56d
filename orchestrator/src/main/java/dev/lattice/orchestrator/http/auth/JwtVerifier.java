package dev.lattice.orchestrator.http.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.lattice.protocol.ids.TenantId;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Checks JWTs of the configured OIDC issuer (nimbus-jose-jwt): a signature by one of the issuer's
 * keys (from its JWKS URL, or a JWK set file) in an accepted algorithm — never {@code none}, and
 * never a MAC, whose key the node would have to share with the issuer — the issuer and audience
 * exactly, and {@code exp} (required) and {@code nbf} within the allowed clock skew. Its claims
 * give the principal's subject, tenant and roles; roles the node does not know are ignored, since
 * issuers list many. Calls may block while the issuer's keys are fetched.
 */
final class JwtVerifier {
  /** The largest JWK set accepted from the issuer. */
  private static final int JWKS_SIZE_LIMIT = 256 * 1024;

  private final JwtSettings settings;
  private final DefaultJWTProcessor<SecurityContext> processor;

  JwtVerifier(JwtSettings settings) {
    this.settings = settings;
    this.processor = new DefaultJWTProcessor<>();
    Set<JWSAlgorithm> algorithms = new HashSet<>();
    for (String name : settings.algorithms()) {
      JWSAlgorithm algorithm = JWSAlgorithm.parse(name);
      if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm) || "none".equalsIgnoreCase(name)) {
        throw new IllegalArgumentException(
            "lattice.http.auth.jwt.algorithms: " + name + " is not accepted; use signatures");
      }
      algorithms.add(algorithm);
    }
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys(settings)));
    // Access tokens of RFC 9068 say "at+jwt"; most issuers say "JWT" or nothing.
    processor.setJWSTypeVerifier(
        new DefaultJOSEObjectTypeVerifier<>(
            JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(
            Set.of(settings.audience()),
            new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
            Set.of("exp", settings.subjectClaim()),
            null);
    claims.setMaxClockSkew((int) settings.clockSkew().toSeconds());
    processor.setJWTClaimsSetVerifier(claims);
  }

  private static JWKSource<SecurityContext> keys(JwtSettings settings) {
    if (!settings.jwksFile().isBlank()) {
      try {
        return new ImmutableJWKSet<>(JWKSet.load(new File(settings.jwksFile())));
      } catch (IOException | ParseException e) {
        throw new IllegalArgumentException(
            "lattice.http.auth.jwt.jwks-file: cannot read a JWK set from "
                + settings.jwksFile()
                + ": "
                + e.getMessage(),
            e);
      }
    }
    int timeout = (int) settings.jwksTimeout().toMillis();
    try {
      // No retries here: a token that cannot be checked now is refused, and its client retries.
      return JWKSourceBuilder.create(
              URI.create(settings.jwksUrl()).toURL(),
              new DefaultResourceRetriever(timeout, timeout, JWKS_SIZE_LIMIT))
          .cache(settings.jwksCacheTtl().toMillis(), timeout)
          .retrying(false)
          .build();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "lattice.http.auth.jwt.jwks-url is not a URL: " + settings.jwksUrl(), e);
    }
  }

  /** A checked token's principal, and until when it may be remembered. */
  record Verified(Principal principal, Instant expiresAt) {}

  /**
   * The principal of {@code token}.
   *
   * @throws AuthenticationException if the token does not hold, saying why (never repeating it)
   */
  Verified verify(String token) {
    JWTClaimsSet claims;
    try {
      // A JWS only: an unsecured token ("alg": "none") or an encrypted one does not parse as one.
      claims = processor.process(SignedJWT.parse(token), null);
    } catch (ParseException e) {
      throw new AuthenticationException("the bearer token is not a signed JWT", true);
    } catch (BadJOSEException e) {
      throw new AuthenticationException("the JWT was refused: " + e.getMessage(), true);
    } catch (JOSEException e) {
      throw new AuthenticationException("the JWT could not be checked: " + e.getMessage(), true);
    }
    return new Verified(principal(claims), claims.getExpirationTime().toInstant());
  }

  private Principal principal(JWTClaimsSet claims) {
    Object subject = claim(claims, settings.subjectClaim());
    Object tenantClaim = claim(claims, settings.tenantClaim());
    if (!(subject instanceof String name) || name.isBlank()) {
      throw new AuthenticationException(
          "the JWT has no claim " + settings.subjectClaim() + " naming its subject", true);
    }
    if (!(tenantClaim instanceof String tenantName) || tenantName.isBlank()) {
      throw new AuthenticationException(
          "the JWT has no claim " + settings.tenantClaim() + " naming its tenant", true);
    }
    Set<Role> roles = roles(claim(claims, settings.rolesClaim()));
    TenantId tenant;
    if (tenantName.equals(settings.allTenants())) {
      if (!roles.contains(Role.ADMIN)) {
        throw new AuthenticationException(
            "the JWT names every tenant without the admin role", true);
      }
      tenant = null;
    } else {
      try {
        tenant = TenantId.of(tenantName);
      } catch (IllegalArgumentException e) {
        throw new AuthenticationException(
            "the JWT's claim " + settings.tenantClaim() + " is not a tenant: " + e.getMessage(),
            true);
      }
    }
    return new Principal(name, Principal.Source.JWT, tenant, roles);
  }

  /** The claim at {@code path}, whose dots reach into nested objects. */
  private static Object claim(JWTClaimsSet claims, String path) {
    String[] parts = path.split("\\.");
    Object value = claims.getClaim(parts[0]);
    for (int i = 1; i < parts.length && value != null; i++) {
      value = value instanceof Map<?, ?> map ? map.get(parts[i]) : null;
    }
    return value;
  }

  private static Set<Role> roles(Object claim) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    Collection<?> names =
        claim instanceof Collection<?> list
            ? list
            : claim instanceof String text ? Set.of(text.split("[,\\s]+")) : Set.of();
    for (Object name : names) {
      for (Role role : Role.values()) {
        if (role.wire().equals(String.valueOf(name))) {
          roles.add(role);
        }
      }
    }
    return roles;
  }
}
