package dev.lattice.orchestrator.http.auth;

import dev.lattice.orchestrator.http.ui.UiSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Turns a request's credentials into its {@link Principal}: {@code Authorization: Bearer lt_...}
 * (an API key, {@link ApiKeys}), {@code Authorization: Bearer JWT} (a token of the configured
 * issuer, {@link JwtVerifier}), or, for one run's events only, a stream token ({@link
 * StreamTokens}); a browser signed in to the dashboard sends its session cookie instead ({@link
 * SessionTokens}). Credentials seen recently are checked without waiting for anything, so a client
 * that keeps calling pays a hash and a map lookup per request.
 */
public final class Authenticator {
  private static final String BEARER = "bearer ";

  private final ApiKeys keys;
  private final JwtVerifier jwt;
  private final StreamTokens streams;
  private final SessionTokens sessions;
  private final SignInLinks links;
  private final ExpiringCache<String, JwtVerifier.Verified> tokens;
  private final Duration rememberTokens;
  private final Executor blocking;
  private final Clock clock;

  /**
   * @param dashboardSecret signs the dashboard's session tokens and sign-in links (at least 256
   *     bits)
   * @param blocking runs what may block: reading keys, fetching the issuer's keys
   */
  public Authenticator(
      AuthSettings settings,
      UiSettings ui,
      ApiKeys keys,
      StreamTokens streams,
      byte[] dashboardSecret,
      Executor blocking,
      Clock clock) {
    this.keys = keys;
    this.jwt = settings.jwt().enabled() ? new JwtVerifier(settings.jwt()) : null;
    this.streams = streams;
    SignedClaims dashboard = new SignedClaims(dashboardSecret, clock);
    this.sessions = new SessionTokens(dashboard, ui.sessionTtl());
    this.links = new SignInLinks(dashboard, ui.signInLinkTtl(), settings.keyCacheMaxEntries());
    this.tokens = new ExpiringCache<>(settings.jwt().cacheMaxEntries());
    this.rememberTokens = settings.keyCacheTtl();
    this.blocking = blocking;
    this.clock = clock;
  }

  public ApiKeys keys() {
    return keys;
  }

  public StreamTokens streamTokens() {
    return streams;
  }

  public SessionTokens sessions() {
    return sessions;
  }

  public SignInLinks signInLinks() {
    return links;
  }

  /**
   * Who signs in to the dashboard with {@code credential} (an API key or a JWT, as it would follow
   * {@code Bearer}), and until when its credentials hold: a JWT's expiry, or null for a key, which
   * each use of the session checks again ({@link #session}).
   */
  public CompletionStage<SignedIn> signIn(String credential) {
    String token = credential.trim();
    if (jwt != null && !token.startsWith(KeyMaterial.PREFIX)) {
      return CompletableFuture.supplyAsync(
          () -> {
            try {
              JwtVerifier.Verified verified = jwt.verify(token);
              return new SignedIn(verified.principal(), verified.expiresAt());
            } catch (AuthenticationException e) {
              throw e;
            } catch (RuntimeException e) {
              throw new AuthenticationException("the token is not a valid JWT of the issuer", true);
            }
          },
          blocking);
    }
    return authenticate(Optional.of(BEARER + token))
        .thenApply(principal -> new SignedIn(principal, null));
  }

  /**
   * Who signed in.
   *
   * @param principal the principal
   * @param notAfter when its credentials stop holding, or null when each use checks them
   */
  public record SignedIn(Principal principal, Instant notAfter) {}

  /**
   * The session of the dashboard's cookie {@code token}, and its principal as it is now: for a key,
   * the key must still hold (revoked or expired, the session ends with it), and its roles are read
   * again.
   */
  public CompletionStage<SessionTokens.Session> session(String token) {
    SessionTokens.Session session;
    try {
      session = sessions.verify(token);
    } catch (AuthenticationException e) {
      return failed(e);
    }
    if (session.principal().source() != Principal.Source.API_KEY) {
      return CompletableFuture.completedFuture(session);
    }
    return keys.verifyId(session.principal().subject())
        .thenApply(
            now ->
                now.map(
                        principal ->
                            new SessionTokens.Session(
                                principal,
                                session.token(),
                                session.csrf(),
                                session.issuedAt(),
                                session.expiresAt(),
                                session.notAfter()))
                    .orElseThrow(
                        () ->
                            new AuthenticationException(
                                "the API key this session signed in with was revoked or has"
                                    + " expired: sign in again at /ui/sign-in",
                                true)));
  }

  /**
   * The principal of a request with {@code authorization} (the header's value, if any); fails with
   * {@link AuthenticationException} when it is missing or does not hold.
   */
  public CompletionStage<Principal> authenticate(Optional<String> authorization) {
    if (authorization.isEmpty()) {
      return failed(
          new AuthenticationException(
              "this API needs credentials: Authorization: Bearer followed by an API key or a JWT",
              false));
    }
    String value = authorization.get();
    if (value.length() <= BEARER.length()
        || !value.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return failed(
          new AuthenticationException(
              "only Bearer credentials are accepted: Authorization: Bearer KEY", true));
    }
    String token = value.substring(BEARER.length()).trim();
    if (token.startsWith(KeyMaterial.PREFIX)) {
      return keys.verify(token)
          .thenApply(
              found ->
                  found.orElseThrow(
                      () ->
                          new AuthenticationException(
                              "the API key is unknown, expired or revoked", true)));
    }
    if (jwt != null && token.chars().filter(c -> c == '.').count() == 2) {
      return jwt(token);
    }
    return failed(
        new AuthenticationException(
            jwt == null
                ? "the bearer token is not an API key (lt_...); this node accepts no JWTs"
                : "the bearer token is neither an API key (lt_...) nor a JWT",
            true));
  }

  private CompletionStage<Principal> jwt(String token) {
    String hash = KeyMaterial.hash(token);
    JwtVerifier.Verified known = tokens.get(hash);
    if (known != null) {
      return CompletableFuture.completedFuture(known.principal());
    }
    return CompletableFuture.supplyAsync(
        () -> {
          JwtVerifier.Verified verified = jwt.verify(token);
          Instant now = clock.instant();
          Duration left = Duration.between(now, verified.expiresAt());
          tokens.put(
              hash,
              verified,
              (left.compareTo(rememberTokens) < 0 ? left : rememberTokens).toNanos());
          return verified.principal();
        },
        blocking);
  }

  /**
   * The principal of a request for the events of {@code run} that carries {@code accessToken}, a
   * stream token, instead of an {@code Authorization} header.
   *
   * @throws AuthenticationException if the token does not hold for this run
   */
  public Principal streamToken(String accessToken, String run) {
    return streams.verify(accessToken, run);
  }

  private static <T> CompletionStage<T> failed(Throwable failure) {
    return CompletableFuture.failedFuture(failure);
  }
}
