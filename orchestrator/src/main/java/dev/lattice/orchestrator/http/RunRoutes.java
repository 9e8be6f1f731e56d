package dev.lattice.orchestrator.http;

import static dev.lattice.orchestrator.http.JsonSupport.body;
import static dev.lattice.orchestrator.http.JsonSupport.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.RunQuery;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.run.RunStatus;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/plan}, {@code /execute}, {@code /runs} and {@code /runs/{id}} (with its
 * interventions, {@link InterventionRoutes}, its audit trail, {@link AuditRoutes}, and its log,
 * {@link RunLogRoutes}), and {@code /audit}: thin translations of the client's calls; every
 * decision is the client's.
 */
final class RunRoutes extends AllDirectives {
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final Pattern VALID_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

  private final HttpSettings settings;
  private final InterventionRoutes interventions;
  private final AuditRoutes audit;
  private final RunLogRoutes logs;
  private final ObjectMapper bodies;

  RunRoutes(HttpSettings settings) {
    this.settings = settings;
    this.bodies = settings.json().applyTo(LatticeJson.mapper());
    this.interventions = new InterventionRoutes(bodies);
    this.audit = new AuditRoutes(settings);
    this.logs = new RunLogRoutes(settings);
  }

  /** The routes, calling {@code client} (held to the request's principal). */
  Route route(LatticeClient client) {
    return concat(
        path(
            "plan",
            () ->
                post(
                    () ->
                        entity(
                            body(ExecuteRequest.class, bodies),
                            request ->
                                onSuccess(
                                    client.plan(request),
                                    planned -> completeOK(planned, json()))))),
        path(
            "execute",
            () ->
                post(
                    () ->
                        optionalHeaderValueByName(
                            IDEMPOTENCY_KEY,
                            key ->
                                optionalHeaderValueByName(
                                    HttpSpans.TRACEPARENT,
                                    trace ->
                                        entity(
                                            body(ExecuteRequest.class, bodies),
                                            request ->
                                                execute(
                                                    client,
                                                    request.withTraceparent(trace.orElse(null)),
                                                    key)))))),
        path("runs", () -> get(() -> listRuns(client))),
        pathPrefix(
            "runs",
            () ->
                pathPrefix(
                    PathMatchers.segment(),
                    id ->
                        concat(
                            pathEnd(
                                () ->
                                    get(
                                        () ->
                                            onSuccess(
                                                client.run(runId(id)),
                                                run -> completeOK(run, json())))),
                            path(
                                PathMatchers.segment("steps").slash(PathMatchers.segment()),
                                stepId -> get(() -> step(client, id, stepId))),
                            interventions.route(client, id),
                            audit.ofRun(client, id),
                            logs.ofRun(client, id)))),
        audit.byBusKey(client));
  }

  /** One step of a run: where an event stream's large outputs point. */
  private Route step(LatticeClient client, String id, String stepId) {
    return onSuccess(
        client.run(runId(id)),
        run ->
            run.steps().stream()
                .filter(step -> step.id().equals(stepId))
                .findFirst()
                .map(step -> completeOK(step, json()))
                .orElseThrow(
                    () ->
                        new ProblemException(
                            Problem.Kind.NOT_FOUND.with(
                                "run " + id + " has no step '" + stepId + "'", "stepId"))));
  }

  private Route execute(LatticeClient client, ExecuteRequest request, Optional<String> key) {
    String idempotencyKey = key.map(RunRoutes::validKey).orElse(null);
    return onSuccess(
        client.execute(request, idempotencyKey),
        accepted ->
            complete(
                StatusCodes.ACCEPTED,
                List.of(Location.create("/api/v1/runs/" + accepted.runId().value())),
                accepted,
                json()));
  }

  private Route listRuns(LatticeClient client) {
    return parameterOptional(
        "status",
        status ->
            parameterOptional(
                "tenant",
                tenant ->
                    parameterOptional(
                        "after",
                        after ->
                            parameterOptional(
                                "limit",
                                limit -> {
                                  RunQuery query =
                                      new RunQuery(
                                          status.map(RunRoutes::status).orElse(null),
                                          tenant.map(RunRoutes::tenant).orElse(null),
                                          after.orElse(null),
                                          limit
                                              .map(v -> limit(v, settings.maxPageSize()))
                                              .orElse(settings.defaultPageSize()));
                                  return onSuccess(
                                      client.runs(query), page -> completeOK(page, json()));
                                }))));
  }

  /** A run id from the path; one that cannot exist is simply not found. */
  static RunId runId(String value) {
    try {
      return RunId.of(value);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(
          Problem.Kind.RUN_NOT_FOUND.with("no run has the id '" + value + "'", "runId"));
    }
  }

  static String validKey(String key) {
    if (!VALID_KEY.matcher(key).matches()) {
      throw new ProblemException(
          Problem.Kind.INVALID_REQUEST.with(
              "an idempotency key is 1 to 255 visible ASCII characters", IDEMPOTENCY_KEY));
    }
    return key;
  }

  private static RunStatus status(String value) {
    try {
      return RunStatus.fromWire(value);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(
          Problem.Kind.INVALID_REQUEST.with(
              "unknown status '"
                  + value
                  + "'; one of queued, running, paused, completed, failed,"
                  + " cancelled",
              "status"));
    }
  }

  /** A tenant from the query; one that cannot exist is a 400. */
  static TenantId tenant(String value) {
    try {
      return TenantId.of(value);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(Problem.Kind.INVALID_REQUEST.with(e.getMessage(), "tenant"));
    }
  }

  /** A page size from the query, at most {@code max}. */
  static int limit(String value, int max) {
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= max) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // Reported below, like any other value out of range.
    }
    throw new ProblemException(
        Problem.Kind.INVALID_REQUEST.with(
            "limit must be a whole number from 1 to " + max, "limit"));
  }
}
