package dev.lattice.orchestrator.http;

import static dev.lattice.orchestrator.http.JsonSupport.body;
import static dev.lattice.orchestrator.http.JsonSupport.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.orchestrator.http.auth.Principal;
import dev.lattice.orchestrator.http.auth.StreamTokens;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import java.time.Instant;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /api/v1/stream-tokens}: a short-lived token to follow one run's events from a browser
 * ({@link StreamTokens}), for a principal that may read the run; a run it does not see is not
 * found. The answer says where to follow it, with the token in the URL instead of a key.
 */
final class StreamTokenRoutes extends AllDirectives {
  /** The request: which run. */
  record StreamTokenRequest(String runId) {}

  /**
   * The answer.
   *
   * @param token the stream token
   * @param expiresAt when it stops being accepted (a stream opened before goes on)
   * @param events the URL of the run's events with the token
   */
  record IssuedStreamToken(String token, Instant expiresAt, String events) {}

  private final StreamTokens tokens;
  private final ObjectMapper bodies;

  StreamTokenRoutes(StreamTokens tokens, ObjectMapper bodies) {
    this.tokens = tokens;
    this.bodies = bodies;
  }

  /** The route under {@code /api/v1}, for {@code principal} calling {@code client}. */
  Route route(Principal principal, LatticeClient client) {
    return path(
        "stream-tokens",
        () ->
            post(
                () ->
                    entity(
                        body(StreamTokenRequest.class, bodies),
                        request -> issue(principal, client, request))));
  }

  private Route issue(Principal principal, LatticeClient client, StreamTokenRequest request) {
    if (request.runId() == null) {
      throw new ProblemException(
          Problem.Kind.INVALID_REQUEST.with("runId is required: the run to follow", "runId"));
    }
    RunId runId = RunRoutes.runId(request.runId());
    return onSuccess(
        client.summary(runId),
        summary -> {
          if (summary.isEmpty()) {
            throw new ProblemException(
                Problem.Kind.RUN_NOT_FOUND.with(
                    "no run has the id '" + runId.value() + "'", "runId"));
          }
          StreamTokens.StreamToken token =
              tokens.issue(principal, runId, TenantId.of(summary.get().tenant()));
          return complete(
              StatusCodes.CREATED,
              new IssuedStreamToken(
                  token.token(),
                  token.expiresAt(),
                  "/api/v1/runs/"
                      + runId.value()
                      + "/events?"
                      + Authentication.ACCESS_TOKEN
                      + "="
                      + token.token()),
              json());
        });
  }
}
