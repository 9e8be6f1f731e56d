package dev.lattice.orchestrator.http;

import static dev.lattice.orchestrator.http.JsonSupport.json;

import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.api.RunQuery;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/state}, {@code /api/v1/agents}, and the probes {@code /health} and {@code /ready}.
 */
final class NodeRoutes extends AllDirectives {
  /** The body of a probe that passed. */
  record Status(String status) {}

  private final LatticeClient client;
  private final ActorSystem<?> system;
  private final HttpSettings settings;

  NodeRoutes(LatticeClient client, ActorSystem<?> system, HttpSettings settings) {
    this.client = client;
    this.system = system;
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
        // Ready: the node is an up member of its cluster and its journal answers.
        path(
            "ready",
            () -> get(() -> onSuccess(ready(), ok -> completeOK(new Status("ready"), json())))));
  }

  private CompletionStage<Boolean> ready() {
    if (Cluster.get(system).selfMember().status() != MemberStatus.up()) {
      throw new ProblemException(
          Problem.Kind.UNAVAILABLE.with("the node has not joined its cluster"));
    }
    return client
        .runs(new RunQuery(null, null, null, 1))
        .toCompletableFuture()
        .orTimeout(settings.readyTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (page, failure) -> {
              if (failure != null) {
                throw new ProblemException(
                    Problem.Kind.UNAVAILABLE.with(
                        "the journal does not answer: " + failure.getMessage()));
              }
              return true;
            });
  }
}
