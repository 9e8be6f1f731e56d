package dev.lattice.orchestrator.http;

import dev.lattice.orchestrator.node.LatticeClient;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /metrics}: the node's meters in the Prometheus text format, where scrapers look for
 * them (outside {@code /api/v1}), behind the same authentication as the API: a scraper sends an
 * admin key of every tenant as its bearer token (the labels name every tenant).
 */
final class MetricsRoutes extends AllDirectives {
  // The exposition format Prometheus asks for by default, version 0.0.4.
  private static final ContentType PROMETHEUS_TEXT =
      ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");

  Route route(LatticeClient client) {
    return path(
        "metrics",
        () ->
            get(
                () ->
                    onSuccess(
                        client.metrics(),
                        text ->
                            complete(
                                HttpEntities.create(
                                    PROMETHEUS_TEXT, ByteString.fromString(text))))));
  }
}
