package dev.lattice.orchestrator.http;

import dev.lattice.worker.tracing.NodeTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * A span per HTTP request ({@code GET}, {@code POST}, ... with OpenTelemetry's HTTP attributes),
 * under the caller's span when the request carries a W3C {@code traceparent}, ended with the
 * response's head (a stream's span does not last as long as the stream). Within, the request's
 * {@code traceparent} names this span, so a run the request starts is its child; with traces off,
 * it stays the caller's.
 */
final class HttpSpans extends AllDirectives {
  static final String TRACEPARENT = "traceparent";
  private static final int SERVER_ERRORS = 500;

  private final ActorSystem<?> system;

  HttpSpans(ActorSystem<?> system) {
    this.system = system;
  }

  Route traced(Supplier<Route> inner) {
    return extractRequest(
        request -> {
          String incoming = request.getHeader(TRACEPARENT).map(HttpHeader::value).orElse(null);
          Span span =
              NodeTracing.get(system)
                  .tracer()
                  .spanBuilder(request.method().name())
                  .setParent(NodeTracing.under(incoming))
                  .setSpanKind(SpanKind.SERVER)
                  .setAttribute("http.request.method", request.method().name())
                  .setAttribute("url.path", request.getUri().path())
                  .startSpan();
          SpanContext own = span.getSpanContext();
          Route answered =
              mapResponse(
                  response -> {
                    int status = response.status().intValue();
                    span.setAttribute("http.response.status_code", status);
                    if (status >= SERVER_ERRORS) {
                      span.setStatus(StatusCode.ERROR);
                    }
                    span.end();
                    return response;
                  },
                  inner);
          if (!own.isValid()) {
            // Traces are off: the caller's span, if any, stays the parent of what starts here.
            return answered;
          }
          String traceparent =
              "00-" + own.getTraceId() + "-" + own.getSpanId() + "-" + own.getTraceFlags().asHex();
          return mapRequest(
              (HttpRequest r) ->
                  r.removeHeader(TRACEPARENT).addHeader(RawHeader.create(TRACEPARENT, traceparent)),
              () -> answered);
        });
  }
}
