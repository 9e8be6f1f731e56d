package dev.lattice.orchestrator.http;

import static dev.lattice.orchestrator.http.JsonSupport.body;
import static dev.lattice.orchestrator.http.JsonSupport.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.orchestrator.http.auth.AuthenticationException;
import dev.lattice.orchestrator.http.auth.Authenticator;
import dev.lattice.orchestrator.http.auth.Principal;
import dev.lattice.orchestrator.http.auth.Role;
import dev.lattice.orchestrator.http.auth.SessionTokens;
import dev.lattice.orchestrator.http.auth.SignInLinks;
import dev.lattice.orchestrator.node.Failures;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Signing in to the dashboard and out ({@code /ui/session}). A browser cannot put an API key in a
 * header when it follows a link, so the sign-in page sends the key once, in a JSON body, and the
 * answer sets the session cookies ({@link SessionCookies}): a signed token of the principal, never
 * the key, which the API takes as credentials from then on.
 *
 * <ul>
 *   <li>{@code POST /ui/session} with {@code {"key": "lt_..."}} (an API key, or a JWT of the
 *       issuer) or {@code {"code": "..."}} (a one-time link's code): 200, who signed in, and the
 *       cookies; 401 for credentials that do not hold. With authentication off: 200, no cookie.
 *   <li>{@code GET /ui/session}: who is signed in (the cookie, or any credentials), or 401.
 *   <li>{@code DELETE /ui/session}: signs out, clearing the cookies; 204.
 *   <li>{@code POST /ui/session/links}: for a caller with credentials, a one-time sign-in link as
 *       itself ({@code lattice ui}): 201 {@code {"url", "expiresAt"}}.
 * </ul>
 *
 * Requests that change something must be JSON, as everywhere ({@link JsonRequests}).
 */
final class DashboardSessionRoutes extends AllDirectives {
  /** The sign-in: exactly one of an API key (or JWT) and a one-time link's code. */
  record SignInRequest(String key, String code) {}

  /**
   * Who is signed in.
   *
   * @param principal how it is named in interventions and audit entries
   * @param tenant its tenant, or {@code *} for every tenant
   * @param roles its roles
   * @param expiresAt when the session ends unless used; absent with authentication off
   * @param authentication whether the node asks for credentials at all
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record SignedInView(
      String principal,
      String tenant,
      List<String> roles,
      Instant expiresAt,
      boolean authentication) {}

  /** A one-time sign-in link: the path to open on this node, and when it stops working. */
  record SignInLinkView(String url, Instant expiresAt) {}

  private final Authentication auth;
  private final ObjectMapper bodies;

  DashboardSessionRoutes(Authentication auth, ObjectMapper bodies) {
    this.auth = auth;
    this.bodies = bodies;
  }

  /** {@code session} and {@code session/links} under {@code /ui}. */
  Route route() {
    return pathPrefix(
        "session",
        () ->
            JsonRequests.required(
                () ->
                    concat(
                        pathEnd(
                            () ->
                                concat(
                                    post(
                                        () ->
                                            entity(
                                                body(SignInRequest.class, bodies), this::signIn)),
                                    get(() -> auth.authenticated(this::whoAmI)),
                                    delete(this::signOut))),
                        path("links", () -> post(() -> auth.authenticated(this::link))))));
  }

  private Route signIn(SignInRequest request) {
    if ((request.key() == null) == (request.code() == null)) {
      throw new ProblemException(
          Problem.Kind.INVALID_REQUEST.with(
              "sign in with exactly one of key (an API key or a JWT) and code (a sign-in link's)",
              "key"));
    }
    if (!auth.enabled()) {
      return completeOK(view(Principal.unauthenticated(), null), json());
    }
    Authenticator authenticator = auth.authenticator();
    CompletionStage<Authenticator.SignedIn> signedIn =
        request.key() != null ? authenticator.signIn(request.key()) : redeemed(request.code());
    return extractUri(
        uri ->
            onComplete(
                signedIn,
                result -> {
                  if (result.isFailure()) {
                    return complete(Authentication.unauthorized(refusal(result.failed().get())));
                  }
                  SessionTokens.Session session =
                      authenticator
                          .sessions()
                          .issue(result.get().principal(), result.get().notAfter());
                  return setCookie(
                      auth.cookies().of(session, uri.scheme()),
                      () -> completeOK(view(session.principal(), session.expiresAt()), json()));
                }));
  }

  private CompletionStage<Authenticator.SignedIn> redeemed(String code) {
    try {
      Principal principal = auth.authenticator().signInLinks().redeem(code);
      // A key's session is checked against the key at each use, as if signed in with it.
      return CompletableFuture.completedFuture(new Authenticator.SignedIn(principal, null));
    } catch (AuthenticationException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static AuthenticationException refusal(Throwable failure) {
    Throwable cause = Failures.cause(failure);
    if (cause instanceof AuthenticationException refused) {
      return refused;
    }
    throw cause instanceof RuntimeException e ? e : new IllegalStateException(cause);
  }

  private Route whoAmI(Principal principal) {
    return completeOK(view(principal, null), json());
  }

  private Route signOut() {
    return extractUri(
        uri ->
            setCookie(
                auth.cookies().cleared(uri.scheme()), () -> complete(StatusCodes.NO_CONTENT)));
  }

  private Route link(Principal principal) {
    if (!auth.enabled()) {
      return complete(
          StatusCodes.CREATED, new SignInLinkView(DashboardRoutes.SIGN_IN, null), json());
    }
    SignInLinks.Link link = auth.authenticator().signInLinks().issue(principal);
    return complete(
        StatusCodes.CREATED,
        new SignInLinkView(DashboardRoutes.SIGN_IN + "#code=" + link.code(), link.expiresAt()),
        json());
  }

  private SignedInView view(Principal principal, Instant expiresAt) {
    return new SignedInView(
        principal.name(),
        principal.allTenants() ? "*" : principal.tenant().value(),
        principal.roles().stream().map(Role::wire).sorted().toList(),
        expiresAt,
        auth.enabled());
  }
}
