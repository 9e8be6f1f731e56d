package dev.lattice.orchestrator.http;

import dev.lattice.orchestrator.http.auth.SessionTokens;
import dev.lattice.orchestrator.http.ui.UiSettings;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.SameSite;

/**
 * The cookies of a dashboard session ({@link SessionTokens}): the session token, HttpOnly (no
 * script reads it), and the CSRF token, readable by the pages' scripts, which send it back in
 * {@link SessionTokens#CSRF_HEADER}. Both SameSite=Strict (no other site's page makes the browser
 * send them), path {@code /} (the pages and the API), Secure as {@code
 * lattice.http.ui.secure-cookie} says, and gone when the session expires.
 */
final class SessionCookies {
  private final UiSettings.SecureCookie secure;

  SessionCookies(UiSettings.SecureCookie secure) {
    this.secure = secure;
  }

  /** The cookies that hold {@code session}, for a request of {@code scheme}. */
  List<HttpCookie> of(SessionTokens.Session session, String scheme) {
    // Issued (or renewed) for this answer: it lasts from now as long as the token.
    long maxAge =
        Math.max(0, Duration.between(session.issuedAt(), session.expiresAt()).toSeconds());
    return List.of(
        cookie(SessionTokens.COOKIE, session.token(), scheme).withHttpOnly(true).withMaxAge(maxAge),
        cookie(SessionTokens.CSRF_COOKIE, session.csrf(), scheme).withMaxAge(maxAge));
  }

  /** Cookies that replace the session's with nothing, at once. */
  List<HttpCookie> cleared(String scheme) {
    return List.of(
        cookie(SessionTokens.COOKIE, "", scheme).withHttpOnly(true).withMaxAge(0),
        cookie(SessionTokens.CSRF_COOKIE, "", scheme).withMaxAge(0));
  }

  private HttpCookie cookie(String name, String value, String scheme) {
    return HttpCookie.create(name, value)
        .withPath("/")
        .withSameSite(SameSite.Strict)
        .withSecure(secure.secure(scheme));
  }
}
