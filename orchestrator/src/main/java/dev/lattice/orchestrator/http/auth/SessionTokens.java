package dev.lattice.orchestrator.http.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * The dashboard's sign-in: the token a browser keeps in its session cookie after the user signed in
 * with an API key (or a JWT, or a one-time link). It names the principal, never its credentials;
 * expires {@code lattice.http.ui.session-ttl} after it was issued and is renewed while in use; and
 * carries the CSRF token the dashboard's pages send back in a header with every request that may
 * change something ({@link #CSRF_HEADER}), so that a request a foreign page makes the browser send,
 * cookie and all, is refused. A JWS (HS256) under a secret the nodes share: any node accepts what
 * another issued.
 */
public final class SessionTokens {
  /** The cookie that holds the token: HttpOnly, SameSite=Strict, path {@code /}. */
  public static final String COOKIE = "lattice_session";

  /** The cookie that holds the CSRF token, for the pages' scripts to read (not HttpOnly). */
  public static final String CSRF_COOKIE = "lattice_csrf";

  /** The header the pages send the CSRF token in. */
  public static final String CSRF_HEADER = "X-Lattice-CSRF";

  static final String AUDIENCE = "lattice-ui";
  static final JOSEObjectType TYPE = new JOSEObjectType("lattice-ui+jwt");
  private static final String CSRF = "csrf";

  /** A token renews once this part of its life has passed. */
  private static final int RENEW_AFTER_PARTS = 2;

  private static final int CSRF_BYTES = 24;

  /** The latest a token of a JWT's sign-in may be renewed to: the JWT's expiry. */
  private static final String NOT_AFTER = "notAfter";

  private final SignedClaims signed;
  private final Duration ttl;

  SessionTokens(SignedClaims signed, Duration ttl) {
    this.signed = signed;
    this.ttl = ttl;
  }

  /**
   * A signed-in session.
   *
   * @param principal who signed in
   * @param token the cookie's value
   * @param csrf what requests that may change something must carry in {@link #CSRF_HEADER}
   * @param issuedAt when it was issued (or last renewed)
   * @param expiresAt when it stops being accepted
   * @param notAfter the latest it may be renewed to, or null for no limit
   */
  public record Session(
      Principal principal,
      String token,
      String csrf,
      Instant issuedAt,
      Instant expiresAt,
      Instant notAfter) {}

  /**
   * A new session of {@code principal}, whose credentials stop holding at {@code notAfter} (null:
   * an API key, checked again at each use).
   */
  public Session issue(Principal principal, Instant notAfter) {
    return sign(principal, KeyMaterial.random(CSRF_BYTES), notAfter);
  }

  /** {@code session} again, from now, with the same CSRF token; null when it may not be renewed. */
  public Session renewed(Session session) {
    Instant now = signed.clock().instant();
    Duration age = Duration.between(session.issuedAt(), now);
    if (age.compareTo(ttl.dividedBy(RENEW_AFTER_PARTS)) < 0
        || (session.notAfter() != null && !now.isBefore(session.notAfter()))) {
      return null;
    }
    return sign(session.principal(), session.csrf(), session.notAfter());
  }

  private Session sign(Principal principal, String csrf, Instant notAfter) {
    Instant now = signed.clock().instant();
    Instant expires = now.plus(ttl);
    if (notAfter != null && notAfter.isBefore(expires)) {
      expires = notAfter;
    }
    JWTClaimsSet.Builder claims =
        SignedClaims.naming(new JWTClaimsSet.Builder(), principal)
            .issuer(SignedClaims.ISSUER)
            .audience(AUDIENCE)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(expires))
            .claim(CSRF, csrf);
    if (notAfter != null) {
      claims.claim(NOT_AFTER, Date.from(notAfter));
    }
    String token = signed.sign(TYPE, claims.build());
    return new Session(principal, token, csrf, now, expires, notAfter);
  }

  /**
   * The session of the cookie {@code token}.
   *
   * @throws AuthenticationException if it is not a valid, unexpired session token
   */
  public Session verify(String token) {
    JWTClaimsSet claims =
        signed
            .verify(token, TYPE, AUDIENCE)
            .orElseThrow(
                () ->
                    new AuthenticationException(
                        "the dashboard's session has expired or is not valid: sign in again at"
                            + " /ui/sign-in",
                        true));
    try {
      Date notAfter = claims.getDateClaim(NOT_AFTER);
      String csrf = claims.getStringClaim(CSRF);
      if (csrf == null || claims.getIssueTime() == null) {
        throw new IllegalArgumentException("no csrf or issue time");
      }
      return new Session(
          SignedClaims.principal(claims),
          token,
          csrf,
          claims.getIssueTime().toInstant(),
          claims.getExpirationTime().toInstant(),
          notAfter == null ? null : notAfter.toInstant());
    } catch (ParseException | IllegalArgumentException e) {
      throw new AuthenticationException(
          "the dashboard's session is not valid: sign in again at /ui/sign-in", true);
    }
  }

  /** How long a session lasts without use. */
  public Duration ttl() {
    return ttl;
  }
}
