package dev.lattice.orchestrator.http.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lattice.protocol.ids.TenantId;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The dashboard's tokens ({@link SessionTokens}, {@link SignInLinks}): JWS (HS256) under a secret
 * the nodes of a cluster share through the journal's database, each of its own type and audience so
 * that one never passes for another, carrying a {@link Principal} (never its credentials).
 */
final class SignedClaims {
  static final String ISSUER = "lattice";
  private static final String SOURCE = "src";
  private static final String TENANT = "tenant";
  private static final String ROLES = "roles";
  private static final String ALL_TENANTS = "*";

  private final MACSigner signer;
  private final MACVerifier verifier;
  private final Clock clock;

  /**
   * @param secret at least 256 bits
   */
  SignedClaims(byte[] secret, Clock clock) {
    try {
      this.signer = new MACSigner(secret);
      this.verifier = new MACVerifier(secret);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("a token secret needs at least 256 bits", e);
    }
    this.clock = clock;
  }

  Clock clock() {
    return clock;
  }

  /** {@code claims} signed as a token of {@code type}. */
  String sign(JOSEObjectType type, JWTClaimsSet claims) {
    SignedJWT jwt =
        new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(type).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
    return jwt.serialize();
  }

  /**
   * The claims of {@code token} if it is an unexpired token of {@code type} for {@code audience},
   * signed with this secret; empty otherwise.
   */
  Optional<JWTClaimsSet> verify(String token, JOSEObjectType type, String audience) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())
          || !type.equals(jwt.getHeader().getType())
          || !jwt.verify(verifier)) {
        return Optional.empty();
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date expires = claims.getExpirationTime();
      if (!ISSUER.equals(claims.getIssuer())
          || !List.of(audience).equals(claims.getAudience())
          || expires == null
          || !clock.instant().isBefore(expires.toInstant())) {
        return Optional.empty();
      }
      return Optional.of(claims);
    } catch (ParseException | JOSEException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** {@code builder} with the claims that name {@code principal}. */
  static JWTClaimsSet.Builder naming(JWTClaimsSet.Builder builder, Principal principal) {
    return builder
        .subject(principal.subject())
        .claim(SOURCE, principal.source().name())
        .claim(TENANT, principal.allTenants() ? ALL_TENANTS : principal.tenant().value())
        .claim(ROLES, principal.roles().stream().map(Role::wire).sorted().toList());
  }

  /** The principal {@code claims} name; throws {@link IllegalArgumentException} if they do not. */
  static Principal principal(JWTClaimsSet claims) {
    try {
      String tenant = claims.getStringClaim(TENANT);
      Set<Role> roles = EnumSet.noneOf(Role.class);
      for (String role : claims.getStringListClaim(ROLES)) {
        roles.add(Role.fromWire(role));
      }
      return new Principal(
          claims.getSubject(),
          Principal.Source.valueOf(claims.getStringClaim(SOURCE)),
          ALL_TENANTS.equals(tenant) ? null : TenantId.of(tenant),
          roles);
    } catch (ParseException | NullPointerException e) {
      throw new IllegalArgumentException("the token names no principal", e);
    }
  }
}
