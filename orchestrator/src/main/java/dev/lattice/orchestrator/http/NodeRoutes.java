package dev.lattice.orchestrator.http;

import static dev.lattice.orchestrator.http.JsonSupport.json;

import dev.lattice.orchestrator.node.LatticeClient;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code /api/v1/state} and {@code /api/v1/agents}. */
final class NodeRoutes extends AllDirectives {
  /** The routes under {@code /api/v1}, calling {@code client}. */
  Route api(LatticeClient client) {
    return concat(
        path(
            "state",
            () -> get(() -> onSuccess(client.state(), state -> completeOK(state, json())))),
        path(
            "agents",
            () -> get(() -> onSuccess(client.agents(), agents -> completeOK(agents, json())))));
  }
}
