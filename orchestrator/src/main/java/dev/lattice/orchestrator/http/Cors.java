package dev.lattice.orchestrator.http;

import dev.lattice.orchestrator.mcp.McpRoutes;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Cross-origin requests from browsers (CORS), for the origins listed in {@code
 * lattice.http.cors.allowed-origins} only. With none listed (the default) this adds nothing: no
 * {@code Access-Control-*} header, so browsers keep pages of other sites from reading answers, and
 * preflights get the 405 of any method no route takes, so they fail. With origins listed, a request
 * from one of them gets the headers (errors included), and its preflight a 204.
 */
final class Cors extends AllDirectives {
  /** The methods the API takes ({@code DELETE} ends an MCP session). */
  private static final String METHODS = "GET, POST, DELETE";

  /**
   * The request headers the API reads that a browser would not send cross-origin unasked ({@code
   * Content-Type: application/json} among them).
   */
  private static final String REQUEST_HEADERS =
      "Content-Type, Authorization, "
          + RunRoutes.IDEMPOTENCY_KEY
          + ", Last-Event-ID, "
          + McpRoutes.SESSION_HEADER
          + ", "
          + McpRoutes.VERSION_HEADER;

  /** The response headers a page may read besides the basic ones. */
  private static final String EXPOSED_HEADERS =
      "Location, WWW-Authenticate, " + McpRoutes.SESSION_HEADER;

  private final Set<String> origins;
  private final String maxAgeSeconds;

  Cors(HttpSettings settings) {
    this.origins = Set.copyOf(settings.corsOrigins());
    this.maxAgeSeconds = Long.toString(settings.corsMaxAge().toSeconds());
  }

  /** {@code inner}, with CORS for the configured origins. */
  Route route(Supplier<Route> inner) {
    if (origins.isEmpty()) {
      return inner.get();
    }
    // Answers differ by Origin, so caches must keep them apart, whatever the origin.
    return respondWithHeader(
        RawHeader.create("Vary", "Origin"),
        () ->
            optionalHeaderValueByName(
                "Origin",
                origin ->
                    origin.filter(origins::contains).map(o -> allowed(o, inner)).orElseGet(inner)));
  }

  private Route allowed(String origin, Supplier<Route> inner) {
    HttpHeader allowOrigin = RawHeader.create("Access-Control-Allow-Origin", origin);
    return concat(
        method(
            HttpMethods.OPTIONS,
            () ->
                headerValueByName(
                    "Access-Control-Request-Method",
                    requested ->
                        complete(
                            HttpResponse.create()
                                .withStatus(StatusCodes.NO_CONTENT)
                                .addHeaders(
                                    List.of(
                                        allowOrigin,
                                        RawHeader.create("Access-Control-Allow-Methods", METHODS),
                                        RawHeader.create(
                                            "Access-Control-Allow-Headers", REQUEST_HEADERS),
                                        RawHeader.create(
                                            "Access-Control-Max-Age", maxAgeSeconds)))))),
        // Errors are answered here, not further out, so that they carry the headers too and the
        // page can read them.
        respondWithHeaders(
            List.of(
                allowOrigin, RawHeader.create("Access-Control-Expose-Headers", EXPOSED_HEADERS)),
            () ->
                handleExceptions(
                    ProblemHandlers.exceptions(),
                    () -> handleRejections(ProblemHandlers.rejections(), inner))));
  }
}
