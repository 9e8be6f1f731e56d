package dev.lattice.orchestrator.http;

import static dev.lattice.orchestrator.http.JsonSupport.json;

import dev.lattice.orchestrator.node.Failures;
import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.api.Readiness;
import dev.lattice.protocol.api.ReadinessCheck;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/state}, {@code /api/v1/agents}, and the probes {@code /health} and {@code /ready}.
 */
final class NodeRoutes extends AllDirectives {
  /** The body of a probe that passed. */
  record Status(String status) {}

  /** The body of a readiness probe that passed, with what each check found. */
  record Ready(String status, List<ReadinessCheck> checks) {}

  private final LatticeClient client;
  private final HttpSettings settings;

  NodeRoutes(LatticeClient client, HttpSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  /** The routes under {@code /api/v1}. */
  Route api() {
    return concat(
        path(
            "state",
            () -> get(() -> onSuccess(client.state(), state -> completeOK(state, json())))),
        path(
            "agents",
            () -> get(() -> onSuccess(client.agents(), agents -> completeOK(agents, json())))));
  }

  /** The probes, at the root. */
  Route probes() {
    return concat(
        // Live: the process answers HTTP.
        path("health", () -> get(() -> completeOK(new Status("up"), json()))),
        // Ready: the node is an up member of its cluster, its shard regions are registered and
        // its journal answers.
        path("ready", () -> get(() -> onSuccess(ready(), this::readiness))));
  }

  private CompletionStage<Readiness> ready() {
    return client
        .ready()
        .toCompletableFuture()
        .orTimeout(settings.readyTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(
            failure -> {
              if (Failures.cause(failure) instanceof TimeoutException) {
                throw new ProblemException(
                    Problem.Kind.UNAVAILABLE.with(
                        "not ready: the readiness checks did not answer within "
                            + settings.readyTimeout().toMillis()
                            + " ms"));
              }
              throw new CompletionException(failure);
            });
  }

  private Route readiness(Readiness readiness) {
    if (readiness.ready()) {
      return completeOK(new Ready("ready", readiness.checks()), json());
    }
    NotReadyProblem problem = NotReadyProblem.of(readiness);
    return complete(
        HttpResponse.create()
            .withStatus(problem.status())
            .withEntity(HttpEntities.create(JsonSupport.PROBLEM_JSON, JsonSupport.bytes(problem))));
  }
}
