package dev.lattice.orchestrator.http;

import static dev.lattice.orchestrator.http.JsonSupport.body;
import static dev.lattice.orchestrator.http.JsonSupport.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.orchestrator.http.auth.ApiKeyView;
import dev.lattice.orchestrator.http.auth.ApiKeys;
import dev.lattice.orchestrator.http.auth.NewApiKey;
import dev.lattice.orchestrator.http.auth.Principal;
import dev.lattice.protocol.ids.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code /api/v1/keys}: API keys, for admins ({@link ApiKeys} decides who may do what). {@code
 * POST} creates one and answers with the key, the only time it is shown; {@code GET} lists them
 * (never the keys); {@code /keys/{id}/revoke} and {@code /expire} stop one. A key of a tenant the
 * admin does not see is not found, like a key that does not exist.
 */
final class KeyRoutes extends AllDirectives {
  /** A list of keys. */
  record KeyList(List<ApiKeyView> keys) {}

  /** The optional body of {@code /expire}: when; now when absent. */
  record ExpireRequest(Instant at) {}

  private final ApiKeys keys;
  private final ObjectMapper bodies;

  KeyRoutes(ApiKeys keys, ObjectMapper bodies) {
    this.keys = keys;
    this.bodies = bodies;
  }

  /** The routes under {@code /api/v1}, for {@code principal}. */
  Route route(Principal principal) {
    return pathPrefix(
        "keys",
        () ->
            concat(
                pathEnd(
                    () ->
                        concat(
                            get(
                                () ->
                                    parameterOptional(
                                        "tenant",
                                        tenant ->
                                            onSuccess(
                                                keys.list(principal, tenant(tenant)),
                                                list -> completeOK(new KeyList(list), json())))),
                            post(
                                () ->
                                    entity(
                                        body(NewApiKey.class, bodies),
                                        request -> create(principal, request))))),
                path(PathMatchers.segment(), id -> get(() -> found(id, keys.find(principal, id)))),
                path(
                    PathMatchers.segment().slash("revoke"),
                    id -> post(() -> found(id, keys.revoke(principal, id)))),
                path(
                    PathMatchers.segment().slash("expire"),
                    id ->
                        post(
                            () ->
                                optionalBody(
                                    expire ->
                                        found(id, keys.expire(principal, id, expire.at())))))));
  }

  private Route create(Principal principal, NewApiKey request) {
    return onSuccess(
        keys.create(principal, request),
        created ->
            complete(
                StatusCodes.CREATED,
                List.of(Location.create("/api/v1/keys/" + created.details().id())),
                created,
                json()));
  }

  private Route found(String id, CompletionStage<Optional<ApiKeyView>> key) {
    return onSuccess(
        key,
        view ->
            view.map(found -> completeOK(found, json()))
                .orElseThrow(
                    () ->
                        new ProblemException(
                            Problem.Kind.KEY_NOT_FOUND.with(
                                "no key has the id '" + id + "'", "id"))));
  }

  private Route optionalBody(Function<ExpireRequest, Route> inner) {
    return entity(
        Unmarshaller.entityToByteString(),
        bytes ->
            inner.apply(
                bytes.isEmpty()
                    ? new ExpireRequest(null)
                    : JsonSupport.parse(bytes.toArray(), ExpireRequest.class, bodies)));
  }

  private static TenantId tenant(Optional<String> value) {
    try {
      return value.map(TenantId::of).orElse(null);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(Problem.Kind.INVALID_REQUEST.with(e.getMessage(), "tenant"));
    }
  }
}
