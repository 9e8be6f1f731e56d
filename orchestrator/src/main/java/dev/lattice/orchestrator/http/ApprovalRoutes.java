package dev.lattice.orchestrator.http;

import static dev.lattice.orchestrator.http.JsonSupport.json;

import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.api.ApprovalQuery;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/approvals}: the steps waiting for a signal (a person's approval, say) across
 * the newest unfinished runs, {@code ?tenant=} filtering them, at most {@code
 * lattice.http.approvals.max-runs} runs looked at. What the principal may see is the client's
 * decision.
 */
final class ApprovalRoutes extends AllDirectives {
  private final int maxRuns;

  ApprovalRoutes(int maxRuns) {
    this.maxRuns = maxRuns;
  }

  /** The route under {@code /api/v1}, calling {@code client} (held to the request's principal). */
  Route route(LatticeClient client) {
    return path(
        "approvals",
        () ->
            get(
                () ->
                    parameterOptional(
                        "tenant",
                        tenant ->
                            onSuccess(
                                client.approvals(
                                    new ApprovalQuery(
                                        tenant.map(RunRoutes::tenant).orElse(null), maxRuns)),
                                found -> completeOK(found, json())))));
  }
}
