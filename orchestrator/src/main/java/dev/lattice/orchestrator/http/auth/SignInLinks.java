package dev.lattice.orchestrator.http.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * One-time sign-in links for the dashboard ({@code lattice ui}): a principal holding a key asks for
 * a code, and whoever opens {@code /ui/sign-in#code=...} within {@code
 * lattice.http.ui.sign-in-link-ttl} is signed in as that principal, once. The code names the
 * principal, never its key; it travels in the URL's fragment, which browsers send to no server. A
 * node remembers the codes used until they expire, so a code works once per node (a cluster's other
 * nodes would take it again within its short life).
 */
public final class SignInLinks {
  static final String AUDIENCE = "lattice-ui-link";
  static final JOSEObjectType TYPE = new JOSEObjectType("lattice-ui-link+jwt");
  private static final int ID_BYTES = 18;

  private final SignedClaims signed;
  private final Duration ttl;
  private final ExpiringCache<String, Boolean> used;

  SignInLinks(SignedClaims signed, Duration ttl, int maxRemembered) {
    this.signed = signed;
    this.ttl = ttl;
    this.used = new ExpiringCache<>(maxRemembered);
  }

  /**
   * A code that signs {@code principal} in, once.
   *
   * @param code the code
   * @param expiresAt when it stops being accepted
   */
  public record Link(String code, Instant expiresAt) {}

  /** A new code for {@code principal}. */
  public Link issue(Principal principal) {
    Instant now = signed.clock().instant();
    Instant expires = now.plus(ttl);
    JWTClaimsSet claims =
        SignedClaims.naming(new JWTClaimsSet.Builder(), principal)
            .issuer(SignedClaims.ISSUER)
            .audience(AUDIENCE)
            .jwtID(KeyMaterial.random(ID_BYTES))
            .issueTime(Date.from(now))
            .expirationTime(Date.from(expires))
            .build();
    return new Link(signed.sign(TYPE, claims), expires);
  }

  /**
   * The principal of {@code code}, which is then used up on this node.
   *
   * @throws AuthenticationException if it is not valid, has expired, or was used
   */
  public synchronized Principal redeem(String code) {
    AuthenticationException refused =
        new AuthenticationException(
            "the sign-in link is not valid, has expired or was used: run `lattice ui` again", true);
    JWTClaimsSet claims = signed.verify(code, TYPE, AUDIENCE).orElseThrow(() -> refused);
    String id = claims.getJWTID();
    if (id == null || used.get(id) != null) {
      throw refused;
    }
    Principal principal;
    try {
      principal = SignedClaims.principal(claims);
    } catch (IllegalArgumentException e) {
      throw refused;
    }
    Duration left =
        Duration.between(signed.clock().instant(), claims.getExpirationTime().toInstant());
    used.put(id, Boolean.TRUE, left.toNanos() + 1);
    return principal;
  }
}
