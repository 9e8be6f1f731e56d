package dev.lattice.orchestrator.http;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * The answer to a request that pekko-http cannot parse far enough to reach the routes (an unknown
 * method, a URI or headers over the parser's limits, an HTTP/1.1 request without {@code Host}, a
 * malformed request line or header), as {@code application/problem+json} like every other error of
 * the node. pekko-http instantiates it by name ({@code pekko.http.server.parsing.error-handler} in
 * {@code lattice-node.conf}), so it needs a public no-argument constructor.
 */
public final class ParsingProblems extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    // The client's mistake, not the node's: one line is enough to tell a misbehaving client.
    log.debug("Refused a request that cannot be parsed ({}): {}", status, info.formatPretty());
    return ProblemHandlers.response(problemOf(status.intValue(), info));
  }

  /** The problem a parsing error of {@code status} stands for. */
  static Problem problemOf(int status, ErrorInfo info) {
    Problem.Kind kind =
        switch (status) {
          case 413 -> Problem.Kind.PAYLOAD_TOO_LARGE;
          case 414 -> Problem.Kind.URI_TOO_LONG;
          case 431 -> Problem.Kind.HEADERS_TOO_LARGE;
          case 501 -> Problem.Kind.NOT_IMPLEMENTED;
          case 505 -> Problem.Kind.HTTP_VERSION_NOT_SUPPORTED;
          default -> status >= 500 ? Problem.Kind.INTERNAL : Problem.Kind.INVALID_REQUEST;
        };
    Problem problem = kind.with(detail(info), field(info));
    // A status without a kind of its own keeps its status, under the closest kind's type.
    return problem.status() == status
        ? problem
        : new Problem(problem.type(), problem.title(), status, problem.detail(), problem.field());
  }

  private static String detail(ErrorInfo info) {
    String summary = info.summary().isEmpty() ? "the request cannot be parsed" : info.summary();
    return info.detail().isEmpty() ? summary : summary + ": " + info.detail();
  }

  /** The header the error is about, where the parser says so. */
  private static String field(ErrorInfo info) {
    String header = info.errorHeaderName();
    if (header != null && !header.isEmpty()) {
      return header;
    }
    return info.summary().contains("`Host` header") ? "Host" : null;
  }
}
