package dev.lattice.orchestrator.http;

import dev.lattice.orchestrator.http.auth.AuthSettings;
import dev.lattice.orchestrator.http.auth.AuthenticationException;
import dev.lattice.orchestrator.http.auth.Authenticator;
import dev.lattice.orchestrator.http.auth.Principal;
import dev.lattice.orchestrator.http.auth.RunTenants;
import dev.lattice.orchestrator.http.auth.ScopedClient;
import dev.lattice.orchestrator.http.auth.SessionTokens;
import dev.lattice.orchestrator.http.auth.StreamLimiter;
import dev.lattice.orchestrator.node.Failures;
import dev.lattice.orchestrator.node.LatticeClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The directive every route but the probes goes through: it turns the request's credentials into a
 * {@link Principal} ({@link Authenticator}) and hands the route a client held to it ({@link
 * ScopedClient}), or answers 401 with a {@code WWW-Authenticate} challenge (RFC 6750). The
 * credentials are an {@code Authorization} header or, from a browser signed in to the dashboard,
 * its session cookie. With authentication off every request is {@link Principal#unauthenticated()}.
 */
final class Authentication extends AllDirectives {
  static final String AUTHORIZATION = "Authorization";
  static final String ACCESS_TOKEN = "access_token";
  private static final String REALM = "Bearer realm=\"lattice\"";

  private final AuthSettings settings;

  /** Null when authentication is off. */
  private final Authenticator authenticator;

  private final LatticeClient client;
  private final RunTenants tenants;
  private final StreamLimiter streams;
  private final ActorSystem<?> system;
  private final SessionCookies cookies;

  Authentication(
      AuthSettings settings,
      Authenticator authenticator,
      LatticeClient client,
      ActorSystem<?> system,
      SessionCookies cookies) {
    if (settings.enabled() && authenticator == null) {
      throw new IllegalStateException(
          "authentication is on (lattice.http.auth.enabled) but the API was given no"
              + " authenticator: start it with HttpApi.start(lattice, settings)");
    }
    this.settings = settings;
    this.authenticator = settings.enabled() ? authenticator : null;
    this.client = client;
    this.system = system;
    this.tenants =
        new RunTenants(client, settings.runTenantCacheMaxEntries(), system.executionContext());
    this.streams = new StreamLimiter(settings.maxStreamsPerPrincipal());
    this.cookies = cookies;
  }

  SessionCookies cookies() {
    return cookies;
  }

  boolean enabled() {
    return authenticator != null;
  }

  /** Null when authentication is off. */
  Authenticator authenticator() {
    return authenticator;
  }

  StreamLimiter streams() {
    return streams;
  }

  RunTenants tenants() {
    return tenants;
  }

  /**
   * {@code inner} with the request's principal, or a 401 problem: by its {@code Authorization}
   * header, else by the dashboard's session cookie ({@link #bySession}).
   */
  Route authenticated(Function<Principal, Route> inner) {
    if (authenticator == null) {
      return inner.apply(Principal.unauthenticated());
    }
    return optionalHeaderValueByName(
        AUTHORIZATION,
        header ->
            header.isPresent()
                ? withPrincipal(authenticator.authenticate(header), inner)
                : optionalCookie(
                    SessionTokens.COOKIE,
                    cookie ->
                        cookie.isPresent()
                            ? bySession(cookie.get().value(), inner)
                            : withPrincipal(authenticator.authenticate(header), inner)));
  }

  /**
   * {@code inner} for a request of a browser signed in to the dashboard, whose session cookie holds
   * {@code token}. A request that may change something (any method but GET, HEAD, OPTIONS, TRACE)
   * must also carry the session's CSRF token in {@link SessionTokens#CSRF_HEADER}: a page of
   * another site can make the browser send the cookie, but cannot read the token (403 without it).
   * A session past half its life is renewed in the answer.
   */
  private Route bySession(String token, Function<Principal, Route> inner) {
    return onComplete(
        authenticator.session(token),
        result -> {
          if (result.isFailure()) {
            return refused(result.failed().get());
          }
          SessionTokens.Session session = result.get();
          return extractRequest(
              request -> {
                if (!request.method().isSafe() && !carriesCsrf(request, session)) {
                  return ProblemHandlers.completeProblem(
                      Problem.Kind.FORBIDDEN.with(
                          "a request signed in by the dashboard's session cookie that may change"
                              + " something must carry the session's CSRF token in "
                              + SessionTokens.CSRF_HEADER,
                          SessionTokens.CSRF_HEADER));
                }
                Route route = inner.apply(session.principal());
                SessionTokens.Session renewed = authenticator.sessions().renewed(session);
                return renewed == null
                    ? route
                    : setCookie(cookies.of(renewed, request.getUri().scheme()), () -> route);
              });
        });
  }

  private static boolean carriesCsrf(HttpRequest request, SessionTokens.Session session) {
    return request
        .getHeader(SessionTokens.CSRF_HEADER)
        .map(
            header ->
                MessageDigest.isEqual(
                    header.value().getBytes(StandardCharsets.UTF_8),
                    session.csrf().getBytes(StandardCharsets.UTF_8)))
        .orElse(false);
  }

  /**
   * {@code inner} for a request for the events of the run {@code runId}: authenticated by its
   * header, or else by a stream token for this run in {@code ?access_token=}, or else by the
   * dashboard's session cookie.
   */
  Route forEvents(String runId, Function<Principal, Route> inner) {
    if (authenticator == null) {
      return inner.apply(Principal.unauthenticated());
    }
    return optionalHeaderValueByName(
        AUTHORIZATION,
        header ->
            parameterOptional(
                ACCESS_TOKEN,
                token -> {
                  if (header.isPresent() || token.isEmpty()) {
                    // A page of the dashboard follows a run with its session cookie.
                    return authenticated(inner);
                  }
                  try {
                    return inner.apply(authenticator.streamToken(token.get(), runId));
                  } catch (AuthenticationException e) {
                    return complete(unauthorized(e));
                  }
                }));
  }

  /** The node's client, held to {@code principal}. */
  LatticeClient clientFor(Principal principal) {
    return new ScopedClient(client, principal, tenants, system);
  }

  private Route withPrincipal(
      CompletionStage<Principal> principal, Function<Principal, Route> inner) {
    return onComplete(
        principal,
        result -> result.isSuccess() ? inner.apply(result.get()) : refused(result.failed().get()));
  }

  /** A 401 for credentials that do not hold; any other failure is the node's. */
  private Route refused(Throwable failed) {
    Throwable failure = Failures.cause(failed);
    if (failure instanceof AuthenticationException refused) {
      return complete(unauthorized(refused));
    }
    // The keys' database did not answer, say: a problem of the node, not of the client.
    throw failure instanceof RuntimeException e ? e : new IllegalStateException(failure);
  }

  /** A 401 problem with the challenge RFC 6750 asks for. */
  static HttpResponse unauthorized(AuthenticationException refused) {
    String challenge = refused.presented() ? REALM + ", error=\"invalid_token\"" : REALM;
    return ProblemHandlers.response(
            Problem.Kind.UNAUTHORIZED.with(refused.getMessage(), AUTHORIZATION))
        .addHeader(RawHeader.create("WWW-Authenticate", challenge));
  }

  AuthSettings settings() {
    return settings;
  }
}
