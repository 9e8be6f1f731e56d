package dev.lattice.orchestrator.http;

import static dev.lattice.orchestrator.http.JsonSupport.body;
import static dev.lattice.orchestrator.http.JsonSupport.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.api.OverrideRequest;
import dev.lattice.protocol.api.SignalRequest;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code POST /api/v1/runs/{id}/pause}, {@code /resume}, {@code /cancel}, {@code /signals/{name}}
 * and {@code /steps/{stepId}/override}: each answers with the run's state after it, 404 for no such
 * run, 409 when the run's lifecycle does not allow it.
 */
final class InterventionRoutes extends AllDirectives {
  private final ObjectMapper bodies;

  /** The routes, reading bodies with {@code bodies}. */
  InterventionRoutes(ObjectMapper bodies) {
    this.bodies = bodies;
  }

  /** The intervention routes below {@code /runs/{id}}, calling {@code client}. */
  Route route(LatticeClient client, String id) {
    return concat(
        path("pause", () -> post(() -> lifecycle(client, id, InterventionType.PAUSE))),
        path("resume", () -> post(() -> lifecycle(client, id, InterventionType.RESUME))),
        path("cancel", () -> post(() -> lifecycle(client, id, InterventionType.CANCEL))),
        path(
            PathMatchers.segment("signals").slash(PathMatchers.segment()),
            name ->
                post(
                    () ->
                        optionalBody(
                            SignalRequest.class,
                            new SignalRequest(null, null, null, null),
                            signal ->
                                onSuccess(
                                    client.signal(RunRoutes.runId(id), name, signal),
                                    run -> completeOK(run, json()))))),
        path(
            PathMatchers.segment("steps").slash(PathMatchers.segment()).slash("override"),
            stepId ->
                post(
                    () ->
                        entity(
                            body(OverrideRequest.class, bodies),
                            override ->
                                onSuccess(
                                    client.override(RunRoutes.runId(id), stepId, override),
                                    run -> completeOK(run, json()))))),
        path(
            PathMatchers.segment("steps").slash(PathMatchers.segment()).slash("retry"),
            stepId ->
                post(
                    () ->
                        optionalBody(
                            Intervention.class,
                            new Intervention(null, null),
                            who ->
                                onSuccess(
                                    client.retryStep(RunRoutes.runId(id), stepId, who),
                                    run -> completeOK(run, json()))))));
  }

  /** Pause, resume or cancel; the body ({@code actor}, {@code reason}) may be left out. */
  private Route lifecycle(LatticeClient client, String id, InterventionType type) {
    return optionalBody(
        Intervention.class,
        new Intervention(null, null),
        who ->
            onSuccess(
                client.intervene(RunRoutes.runId(id), type, who), run -> completeOK(run, json())));
  }

  /**
   * A JSON body of {@code type}, or {@code absent} when the request has none. That the request is
   * {@code application/json}, even without a body, is checked before any route ({@link
   * JsonRequests}).
   */
  private <T> Route optionalBody(Class<T> type, T absent, Function<T, Route> inner) {
    return entity(
        Unmarshaller.entityToByteString(),
        bytes ->
            inner.apply(
                bytes.isEmpty() ? absent : JsonSupport.parse(bytes.toArray(), type, bodies)));
  }
}
