package dev.lattice.orchestrator.http.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

/**
 * Short-lived tokens that let a browser follow one run's events: an {@code EventSource} cannot set
 * an {@code Authorization} header, and an API key must never be put in a URL, where proxies and
 * browser histories keep it. A token names one run, reads only its events, and expires after {@code
 * lattice.http.auth.stream-tokens.ttl}. It is a JWS (HS256) under a secret the nodes of a cluster
 * share through the journal's database, so any node accepts what another issued.
 */
public final class StreamTokens {
  static final String AUDIENCE = "lattice-stream";
  static final JOSEObjectType TYPE = new JOSEObjectType("lattice-stream+jwt");
  private static final String RUN = "run";
  private static final String TENANT = "tenant";

  private final SignedClaims signed;
  private final Duration ttl;
  private final Clock clock;

  /**
   * @param secret at least 256 bits
   */
  public StreamTokens(byte[] secret, Duration ttl, Clock clock) {
    this.signed = new SignedClaims(secret, clock);
    this.ttl = ttl;
    this.clock = clock;
  }

  /** A token issued to {@code principal} to read the events of {@code run}, of {@code tenant}. */
  public StreamToken issue(Principal principal, RunId run, TenantId tenant) {
    Instant now = clock.instant();
    Instant expires = now.plus(ttl);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(SignedClaims.ISSUER)
            .audience(AUDIENCE)
            .subject(principal.name())
            .issueTime(Date.from(now))
            .expirationTime(Date.from(expires))
            .claim(RUN, run.value())
            .claim(TENANT, tenant.value())
            .build();
    return new StreamToken(signed.sign(TYPE, claims), expires);
  }

  /**
   * The principal of {@code token}, which must be a valid, unexpired stream token for {@code run}:
   * a viewer of the run's tenant.
   *
   * @throws AuthenticationException otherwise
   */
  public Principal verify(String token, String run) {
    JWTClaimsSet claims = signed.verify(token, TYPE, AUDIENCE).orElseThrow(StreamTokens::invalid);
    try {
      if (!run.equals(claims.getStringClaim(RUN))) {
        throw new AuthenticationException("the stream token is for another run", true);
      }
      return new Principal(
          claims.getSubject(),
          Principal.Source.STREAM_TOKEN,
          TenantId.of(claims.getStringClaim(TENANT)),
          Set.of(Role.VIEWER));
    } catch (ParseException | IllegalArgumentException | NullPointerException e) {
      throw invalid();
    }
  }

  private static AuthenticationException invalid() {
    return new AuthenticationException(
        "the access_token is not a valid stream token, or it has expired: get a new one with POST"
            + " /api/v1/stream-tokens",
        true);
  }

  /**
   * A stream token and when it expires.
   *
   * @param token the token, for {@code ?access_token=}
   * @param expiresAt when it stops being accepted
   */
  public record StreamToken(String token, Instant expiresAt) {}
}
