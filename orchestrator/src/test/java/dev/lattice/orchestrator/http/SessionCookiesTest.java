package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.http.auth.Principal;
import dev.lattice.orchestrator.http.auth.Role;
import dev.lattice.orchestrator.http.auth.SessionTokens;
import dev.lattice.orchestrator.http.ui.UiSettings;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.SameSite;
import org.junit.jupiter.api.Test;

class SessionCookiesTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private final SessionTokens.Session session =
      new SessionTokens.Session(
          new Principal("key_a1", Principal.Source.API_KEY, null, Set.of(Role.ADMIN)),
          "token",
          "csrf",
          NOW,
          NOW.plusSeconds(1800),
          null);

  @Test
  void theSessionIsHttpOnlyTheCsrfTokenReadableBothStrictAndSecureOverHttps() {
    List<HttpCookie> https = new SessionCookies(UiSettings.SecureCookie.AUTO).of(session, "https");
    HttpCookie token = https.get(0);
    assertThat(token.name()).isEqualTo(SessionTokens.COOKIE);
    assertThat(token.httpOnly()).isTrue();
    assertThat(token.secure()).isTrue();
    assertThat(token.getSameSite()).contains(SameSite.Strict);
    assertThat(token.getPath()).contains("/");
    assertThat(token.getMaxAge().getAsLong()).isEqualTo(1800);
    HttpCookie csrf = https.get(1);
    assertThat(csrf.name()).isEqualTo(SessionTokens.CSRF_COOKIE);
    assertThat(csrf.httpOnly()).isFalse();
    assertThat(csrf.secure()).isTrue();
    assertThat(csrf.getSameSite()).contains(SameSite.Strict);

    assertThat(new SessionCookies(UiSettings.SecureCookie.AUTO).of(session, "http"))
        .noneMatch(HttpCookie::secure);
    assertThat(new SessionCookies(UiSettings.SecureCookie.ON).of(session, "http"))
        .allMatch(HttpCookie::secure);
    assertThat(new SessionCookies(UiSettings.SecureCookie.OFF).of(session, "https"))
        .noneMatch(HttpCookie::secure);
  }

  @Test
  void signingOutReplacesBothWithEmptyExpiredOnes() {
    assertThat(new SessionCookies(UiSettings.SecureCookie.AUTO).cleared("http"))
        .allMatch(c -> c.value().isEmpty() && c.getMaxAge().getAsLong() == 0);
  }
}
