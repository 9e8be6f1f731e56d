package dev.lattice.orchestrator.http;

import static dev.lattice.orchestrator.http.ProblemHandlers.completeProblem;

import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Requests that may change something (every method but GET, HEAD, OPTIONS and TRACE) must say
 * {@code Content-Type: application/json}, with a body or without; others get a 415 problem before
 * any route runs.
 *
 * <p>Why: a web page on another site can make the user's browser send a POST without asking first
 * only when its body is {@code text/plain}, form-encoded or multipart (a CORS "simple request"). An
 * empty {@code text/plain} POST to {@code /cancel} would cancel a run. A JSON content type makes
 * the browser ask first (a preflight), which fails unless the page's origin is configured ({@link
 * Cors}).
 */
final class JsonRequests extends AllDirectives {
  private static final JsonRequests INSTANCE = new JsonRequests();

  private JsonRequests() {}

  /** {@code inner} for safe methods and JSON requests, a 415 problem for any other request. */
  static Route required(Supplier<Route> inner) {
    return INSTANCE.check(inner);
  }

  private Route check(Supplier<Route> inner) {
    return extractRequest(
        request ->
            request.method().isSafe() || isJson(request.entity().getContentType())
                ? inner.get()
                : completeProblem(
                    Problem.Kind.UNSUPPORTED_MEDIA_TYPE.with(
                        request.method().name()
                            + " requests must have Content-Type: application/json, even without"
                            + " a body; got "
                            + request.entity().getContentType(),
                        "Content-Type")));
  }

  private static boolean isJson(ContentType contentType) {
    return contentType.mediaType().equals(MediaTypes.APPLICATION_JSON);
  }
}
