package dev.lattice.orchestrator.http;

import static dev.lattice.orchestrator.http.JsonSupport.body;
import static dev.lattice.orchestrator.http.JsonSupport.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.orchestrator.http.auth.Principal;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.api.Invocation;
import dev.lattice.protocol.api.InvokeRequest;
import dev.lattice.protocol.api.InvokeResult;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /api/v1/agents/{agent}/invoke}: one agent, or one capability, as a durable run of one
 * step. Answers with the step's result once the run ends (200), or with the run's id when it
 * outlasts the wait (202); or, when the body says {@code "stream": true} or the client accepts an
 * event stream and not JSON, with the run's events as {@code GET /runs/{id}/events} gives them (SSE
 * when it accepts {@code text/event-stream}, else NDJSON).
 */
final class InvokeRoutes extends AllDirectives {
  private static final String NDJSON = "application/x-ndjson";

  private final EventRoutes events;
  private final InvokeWaiter waiter;
  private final ObjectMapper bodies;

  InvokeRoutes(EventRoutes events, InvokeWaiter waiter, ObjectMapper bodies) {
    this.events = events;
    this.waiter = waiter;
    this.bodies = bodies;
  }

  /** The route, calling {@code client}, held to {@code principal}. */
  Route route(Principal principal, LatticeClient client) {
    return pathPrefix(
        "agents",
        () ->
            path(
                PathMatchers.segment().slash("invoke"),
                target ->
                    post(
                        () ->
                            optionalHeaderValueByName(
                                RunRoutes.IDEMPOTENCY_KEY,
                                key ->
                                    entity(
                                        body(InvokeRequest.class, bodies),
                                        request ->
                                            extractRequest(
                                                http ->
                                                    invoke(
                                                        principal, client, target, request, key,
                                                        http)))))));
  }

  private Route invoke(
      Principal principal,
      LatticeClient client,
      String target,
      InvokeRequest request,
      Optional<String> key,
      HttpRequest http) {
    String idempotencyKey = key.map(RunRoutes::validKey).orElse(null);
    boolean sse = EventRoutes.wantsEventStream(http);
    boolean stream = request.streamed() || ((sse || accepts(http, NDJSON)) && !acceptsJson(http));
    InvokeRequest asked = stream ? request.withStream(true) : request;
    return onSuccess(
        client.invoke(target, asked, idempotencyKey),
        invocation ->
            respondWithHeaders(
                List.of(Location.create("/api/v1/runs/" + invocation.runId().value())),
                () ->
                    stream
                        ? events.events(principal, invocation.runId(), 1, true, sse)
                        : await(invocation)));
  }

  private Route await(Invocation invocation) {
    return onSuccess(
        waiter.result(invocation),
        (InvokeResult result) ->
            complete(
                result.status().terminal() ? StatusCodes.OK : StatusCodes.ACCEPTED,
                result,
                json()));
  }

  private static boolean accepts(HttpRequest request, String media) {
    return request.getHeader("Accept").map(a -> a.value().contains(media)).orElse(false);
  }

  /**
   * Whether the client takes the result as JSON: a client that accepts both (as MCP clients and
   * some libraries send) gets the result unless its body asks for the stream.
   */
  private static boolean acceptsJson(HttpRequest request) {
    return accepts(request, "application/json");
  }
}
