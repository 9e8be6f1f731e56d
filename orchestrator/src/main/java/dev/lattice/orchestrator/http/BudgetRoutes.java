package dev.lattice.orchestrator.http;

import static dev.lattice.orchestrator.http.JsonSupport.json;

import dev.lattice.orchestrator.node.LatticeClient;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/budgets}: every tenant with a budget that the principal sees, with its current
 * period's spend, reservations and limit. Which tenants the principal sees is the client's
 * decision.
 */
final class BudgetRoutes extends AllDirectives {
  /** The route under {@code /api/v1}, calling {@code client} (held to the request's principal). */
  Route route(LatticeClient client) {
    return path(
        "budgets",
        () -> get(() -> onSuccess(client.budgets(), found -> completeOK(found, json()))));
  }
}
