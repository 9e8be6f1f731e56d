package dev.lattice.orchestrator.http;

import static dev.lattice.orchestrator.http.JsonSupport.json;

import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.session.SessionName;
import java.util.Optional;
import java.util.function.BiFunction;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/sessions/{id}} (a session: its messages in order, summary, counts, policy) and
 * {@code DELETE} (forget it), for the tenant {@code ?tenant=} ({@code default} when absent). A
 * session of another tenant, like a name no session has, is {@code 404 session-not-found}.
 */
final class SessionRoutes extends AllDirectives {
  /** The routes, calling {@code client} (held to the request's principal). */
  Route route(LatticeClient client) {
    return path(
        PathMatchers.segment("sessions").slash(PathMatchers.segment()),
        id ->
            concat(
                get(
                    () ->
                        session(
                            id,
                            (tenant, name) ->
                                onSuccess(
                                    client.session(tenant, name),
                                    view -> completeOK(view, json())))),
                delete(
                    () ->
                        session(
                            id,
                            (tenant, name) ->
                                onSuccess(
                                    client.forgetSession(tenant, name),
                                    done -> complete(StatusCodes.NO_CONTENT))))));
  }

  /** {@code inner} for the session {@code id} of the request's tenant. */
  private Route session(String id, BiFunction<TenantId, SessionName, Route> inner) {
    return parameterOptional(
        "tenant",
        tenant -> {
          TenantId owner = tenant(tenant);
          return inner.apply(owner, name(owner, id));
        });
  }

  private static TenantId tenant(Optional<String> value) {
    try {
      return value.map(TenantId::of).orElse(TenantId.DEFAULT);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(Problem.Kind.INVALID_REQUEST.with(e.getMessage(), "tenant"));
    }
  }

  /** The session's name; one no session can have is simply not found. */
  private static SessionName name(TenantId tenant, String value) {
    try {
      return SessionName.of(value);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(
          Problem.Kind.SESSION_NOT_FOUND.with(
              "tenant '" + tenant + "' has no session '" + value + "': " + e.getMessage(), "id"));
    }
  }
}
