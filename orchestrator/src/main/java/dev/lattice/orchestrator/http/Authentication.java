package dev.lattice.orchestrator.http;

import dev.lattice.orchestrator.http.auth.AuthSettings;
import dev.lattice.orchestrator.http.auth.AuthenticationException;
import dev.lattice.orchestrator.http.auth.Authenticator;
import dev.lattice.orchestrator.http.auth.Principal;
import dev.lattice.orchestrator.http.auth.RunTenants;
import dev.lattice.orchestrator.http.auth.ScopedClient;
import dev.lattice.orchestrator.http.auth.StreamLimiter;
import dev.lattice.orchestrator.node.Failures;
import dev.lattice.orchestrator.node.LatticeClient;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The directive every route but the probes goes through: it turns the request's credentials into a
 * {@link Principal} ({@link Authenticator}) and hands the route a client held to it ({@link
 * ScopedClient}), or answers 401 with a {@code WWW-Authenticate} challenge (RFC 6750). With
 * authentication off every request is {@link Principal#unauthenticated()}.
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

  Authentication(
      AuthSettings settings,
      Authenticator authenticator,
      LatticeClient client,
      ActorSystem<?> system) {
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

  /** {@code inner} with the request's principal, or a 401 problem. */
  Route authenticated(Function<Principal, Route> inner) {
    if (authenticator == null) {
      return inner.apply(Principal.unauthenticated());
    }
    return optionalHeaderValueByName(
        AUTHORIZATION, header -> withPrincipal(authenticator.authenticate(header), inner));
  }

  /**
   * {@code inner} for a request for the events of the run {@code runId}: authenticated by its
   * header, or else by a stream token for this run in {@code ?access_token=}.
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
                    return withPrincipal(authenticator.authenticate(header), inner);
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
        result -> {
          if (result.isSuccess()) {
            return inner.apply(result.get());
          }
          Throwable failure = Failures.cause(result.failed().get());
          if (failure instanceof AuthenticationException refused) {
            return complete(unauthorized(refused));
          }
          // The keys' database did not answer, say: a problem of the node, not of the client.
          throw failure instanceof RuntimeException e ? e : new IllegalStateException(failure);
        });
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
