package dev.lattice.orchestrator.http;

import static dev.lattice.orchestrator.http.JsonSupport.json;

import dev.lattice.orchestrator.node.LatticeClient;
import dev.lattice.protocol.api.AuditQuery;
import dev.lattice.protocol.ids.BusKey;
import java.util.Optional;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/runs/{id}/audit} (a run's audit trail), {@code GET /api/v1/audit?busKey=} (one
 * dispatcher's decisions, a page at a time), and their verifications: {@code GET
 * /api/v1/runs/{id}/audit/verify} and {@code GET /api/v1/audit/verify?busKey=} (or {@code
 * ?chain=policy}). Mounted by {@link RunRoutes}: thin translations of the client's calls.
 */
final class AuditRoutes extends AllDirectives {
  private static final String BUS_KEY = "busKey";
  private static final String AFTER = "after";
  private static final String LIMIT = "limit";
  private static final String CHAIN = "chain";
  private static final String POLICY = "policy";

  private final HttpSettings settings;

  AuditRoutes(HttpSettings settings) {
    this.settings = settings;
  }

  /**
   * {@code /runs/{id}/audit} and {@code /runs/{id}/audit/verify}, below the run's path, calling
   * {@code client}.
   */
  Route ofRun(LatticeClient client, String id) {
    return pathPrefix(
        "audit",
        () ->
            concat(
                pathEnd(
                    () ->
                        get(
                            () ->
                                onSuccess(
                                    client.audit(RunRoutes.runId(id)),
                                    audit -> completeOK(audit, json())))),
                path(
                    "verify",
                    () ->
                        get(
                            () ->
                                onSuccess(
                                    client.verifyAudit(RunRoutes.runId(id)),
                                    verified -> completeOK(verified, json()))))));
  }

  /** {@code /audit?busKey=...} and {@code /audit/verify?busKey=...} (or {@code ?chain=policy}). */
  Route byBusKey(LatticeClient client) {
    return pathPrefix(
        "audit",
        () ->
            concat(
                pathEnd(
                    () ->
                        get(
                            () ->
                                parameterOptional(
                                    BUS_KEY,
                                    busKey ->
                                        parameterOptional(
                                            AFTER,
                                            after ->
                                                parameterOptional(
                                                    LIMIT,
                                                    limit ->
                                                        page(
                                                            client,
                                                            query(busKey, after, limit))))))),
                path(
                    "verify",
                    () ->
                        get(
                            () ->
                                parameterOptional(
                                    BUS_KEY,
                                    busKey ->
                                        parameterOptional(
                                            CHAIN, chain -> verify(client, busKey, chain)))))));
  }

  private Route verify(LatticeClient client, Optional<String> busKey, Optional<String> chain) {
    if (busKey.isPresent() == chain.isPresent()
        || chain.filter(name -> !name.equals(POLICY)).isPresent()) {
      throw new ProblemException(
          Problem.Kind.INVALID_REQUEST.with(
              "name the chain to verify: busKey=service/role/shard/tenant, or chain=policy (a"
                  + " run's trail is verified at /runs/{id}/audit/verify)",
              busKey.isPresent() ? CHAIN : BUS_KEY));
    }
    return onSuccess(
        busKey.isPresent() ? client.verifyAudit(busKey(busKey.get())) : client.verifyPolicyAudit(),
        verified -> completeOK(verified, json()));
  }

  private Route page(LatticeClient client, AuditQuery query) {
    return onSuccess(client.audit(query), page -> completeOK(page, json()));
  }

  private AuditQuery query(
      Optional<String> busKey, Optional<String> after, Optional<String> limit) {
    BusKey key =
        busKey
            .map(AuditRoutes::busKey)
            .orElseThrow(
                () ->
                    new ProblemException(
                        Problem.Kind.INVALID_REQUEST.with(
                            "busKey is required: the dispatcher's service/role/shard/tenant, e.g."
                                + " agent/echo/0/default",
                            BUS_KEY)));
    int size =
        limit
            .map(value -> RunRoutes.limit(value, settings.maxPageSize()))
            .orElse(settings.defaultPageSize());
    try {
      return new AuditQuery(key, after.orElse(null), size);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(Problem.Kind.INVALID_REQUEST.with(e.getMessage(), AFTER));
    }
  }

  private static BusKey busKey(String value) {
    try {
      return BusKey.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(
          Problem.Kind.INVALID_REQUEST.with(
              "'" + value + "' is not a bus key: " + e.getMessage(), BUS_KEY));
    }
  }
}
