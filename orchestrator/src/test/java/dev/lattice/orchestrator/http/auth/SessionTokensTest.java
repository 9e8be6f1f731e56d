package dev.lattice.orchestrator.http.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.orchestrator.testing.MutableClock;
import dev.lattice.protocol.ids.TenantId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionTokensTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private final MutableClock clock = new MutableClock();
  private final SignedClaims signed = new SignedClaims(SECRET, clock);
  private final SessionTokens sessions = new SessionTokens(signed, Duration.ofMinutes(30));
  private final Principal alice =
      new Principal("key_a1", Principal.Source.API_KEY, TenantId.of("acme"), Set.of(Role.OPERATOR));

  @Test
  void aSessionNamesItsPrincipalUntilItExpires() {
    SessionTokens.Session session = sessions.issue(alice, null);
    SessionTokens.Session read = sessions.verify(session.token());
    assertThat(read.principal()).isEqualTo(alice);
    assertThat(read.csrf()).isEqualTo(session.csrf()).hasSizeGreaterThanOrEqualTo(32);
    clock.advance(Duration.ofMinutes(30));
    assertThatThrownBy(() -> sessions.verify(session.token()))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("sign in again");
  }

  @Test
  void aSessionInUseIsRenewedPastHalfItsLifeWithTheSameCsrfToken() {
    SessionTokens.Session session = sessions.issue(alice, null);
    assertThat(sessions.renewed(sessions.verify(session.token()))).isNull();
    clock.advance(Duration.ofMinutes(16));
    SessionTokens.Session renewed = sessions.renewed(sessions.verify(session.token()));
    assertThat(renewed).isNotNull();
    assertThat(renewed.csrf()).isEqualTo(session.csrf());
    clock.advance(Duration.ofMinutes(20));
    assertThat(sessions.verify(renewed.token()).principal()).isEqualTo(alice);
  }

  @Test
  void aJwtsSessionNeverOutlivesTheJwt() {
    Principal jwt =
        new Principal("alice", Principal.Source.JWT, TenantId.of("acme"), Set.of(Role.VIEWER));
    Instant jwtExpires = clock.instant().plus(Duration.ofMinutes(20));
    SessionTokens.Session session = sessions.issue(jwt, jwtExpires);
    assertThat(session.expiresAt()).isBeforeOrEqualTo(jwtExpires);
    clock.advance(Duration.ofMinutes(19));
    SessionTokens.Session renewed = sessions.renewed(sessions.verify(session.token()));
    assertThat(renewed.expiresAt()).isBeforeOrEqualTo(jwtExpires);
    clock.advance(Duration.ofMinutes(2));
    assertThatThrownBy(() -> sessions.verify(renewed.token()))
        .isInstanceOf(AuthenticationException.class);
  }

  @Test
  void forgedTamperedAndForeignTokensAreRefused() {
    String token = sessions.issue(alice, null).token();
    SessionTokens other =
        new SessionTokens(
            new SignedClaims(
                "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII), clock),
            Duration.ofMinutes(30));
    assertThatThrownBy(() -> other.verify(token)).isInstanceOf(AuthenticationException.class);
    String[] parts = token.split("\\.");
    assertThatThrownBy(() -> sessions.verify(parts[0] + "." + parts[1] + "x." + parts[2]))
        .isInstanceOf(AuthenticationException.class);
    // A sign-in link's code is signed with the same secret, but is not a session.
    String code = new SignInLinks(signed, Duration.ofMinutes(2), 100).issue(alice).code();
    assertThatThrownBy(() -> sessions.verify(code)).isInstanceOf(AuthenticationException.class);
    assertThatThrownBy(() -> sessions.verify("lt_not-a-token"))
        .isInstanceOf(AuthenticationException.class);
  }

  @Test
  void aSignInLinkWorksOnceAndNotAfterItExpires() {
    SignInLinks links = new SignInLinks(signed, Duration.ofMinutes(2), 100);
    String code = links.issue(alice).code();
    assertThat(links.redeem(code)).isEqualTo(alice);
    assertThatThrownBy(() -> links.redeem(code))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("was used");
    String late = links.issue(alice).code();
    clock.advance(Duration.ofMinutes(2));
    assertThatThrownBy(() -> links.redeem(late)).isInstanceOf(AuthenticationException.class);
    String session = sessions.issue(alice, null).token();
    assertThatThrownBy(() -> links.redeem(session)).isInstanceOf(AuthenticationException.class);
  }
}
