package dev.lattice.orchestrator.http.ui;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Locale;

/**
 * Settings of the web dashboard ({@code lattice.http.ui}); each is described in {@code
 * reference.conf}.
 *
 * @param enabled whether the node serves the dashboard at {@code /ui}
 * @param sessionTtl how long a sign-in lasts without use; a session in use is renewed
 * @param secureCookie whether the session cookie is marked {@code Secure}
 * @param signInLinkTtl how long a one-time sign-in link ({@code lattice ui}) may be used
 */
public record UiSettings(
    boolean enabled, Duration sessionTtl, SecureCookie secureCookie, Duration signInLinkTtl) {

  /** When the session cookie is {@code Secure} (sent over HTTPS only). */
  public enum SecureCookie {
    /** When the request came over HTTPS. */
    AUTO,
    /** Always: the node is behind a proxy that ends TLS. */
    ON,
    /** Never. */
    OFF;

    /** Whether a cookie set in answer to a request of {@code scheme} is {@code Secure}. */
    public boolean secure(String scheme) {
      return this == ON || (this == AUTO && "https".equalsIgnoreCase(scheme));
    }
  }

  public static UiSettings create(Config root) {
    Config c = root.getConfig("lattice.http.ui");
    return new UiSettings(
        c.getBoolean("enabled"),
        c.getDuration("session-ttl"),
        SecureCookie.valueOf(c.getString("secure-cookie").toUpperCase(Locale.ROOT)),
        c.getDuration("sign-in-link-ttl"));
  }
}
