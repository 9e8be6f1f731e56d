package dev.lattice.orchestrator.http;

import static dev.lattice.orchestrator.http.JsonSupport.json;

import dev.lattice.orchestrator.node.Failures;
import dev.lattice.protocol.api.Readiness;
import dev.lattice.protocol.api.ReadinessCheck;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The probes, at the root: {@code /health} (liveness: the process answers HTTP) and {@code /ready}
 * (readiness: the node's own checks, see {@code NodeReadiness}), 200 when every check passes and a
 * 503 problem naming the failing ones otherwise.
 */
final class ProbeRoutes extends AllDirectives {
  /** The body of a liveness probe. */
  record Status(String status) {}

  /** The body of a readiness probe that passed, with what each check found. */
  record Ready(String status, List<ReadinessCheck> checks) {}

  private final Supplier<CompletionStage<Readiness>> readiness;
  private final HttpSettings settings;

  /**
   * @param readiness runs (or reuses) the node's readiness checks
   */
  ProbeRoutes(Supplier<CompletionStage<Readiness>> readiness, HttpSettings settings) {
    this.readiness = readiness;
    this.settings = settings;
  }

  Route route() {
    return concat(
        path("health", () -> get(() -> completeOK(new Status("up"), json()))),
        path("ready", () -> get(() -> onSuccess(ready(), this::answer))));
  }

  private CompletionStage<Readiness> ready() {
    // Each check has its own timeout; this bounds the answer of a node too busy to run them.
    return readiness
        .get()
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

  private Route answer(Readiness result) {
    if (result.ready()) {
      return completeOK(new Ready("ready", result.checks()), json());
    }
    NotReadyProblem problem = NotReadyProblem.of(result);
    return complete(
        HttpResponse.create()
            .withStatus(problem.status())
            .withEntity(HttpEntities.create(JsonSupport.PROBLEM_JSON, JsonSupport.bytes(problem))));
  }
}
