package dev.lattice.worker.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A node's OpenTelemetry: one per actor system, so that nodes sharing a JVM keep their spans apart
 * (the global instance would mix them). The node installs its SDK as it starts (exporting over OTLP
 * when an endpoint is configured); until then, and without one, spans cost next to nothing.
 */
public final class NodeTracing implements Extension {
  /** The instrumentation scope of Lattice's spans. */
  public static final String SCOPE = "dev.lattice";

  private static final Id ID = new Id();
  private static final Pattern TRACEPARENT =
      Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

  private volatile OpenTelemetry openTelemetry = OpenTelemetry.noop();
  private volatile Tracer tracer = openTelemetry.getTracer(SCOPE);

  public static NodeTracing get(ActorSystem<?> system) {
    return ID.get(system.classicSystem());
  }

  /** Spans of this node go to {@code value} from now on. */
  public void install(OpenTelemetry value) {
    this.openTelemetry = value;
    this.tracer = value.getTracer(SCOPE);
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  public Tracer tracer() {
    return tracer;
  }

  /**
   * The context whose span is {@code traceparent}'s (a W3C {@code traceparent}, recorded elsewhere:
   * a run's span, a remote caller's): the parent of spans started under it. The root context when
   * it is null or not a valid one.
   */
  public static Context under(String traceparent) {
    if (traceparent == null) {
      return Context.root();
    }
    Matcher m = TRACEPARENT.matcher(traceparent.trim());
    if (!m.matches()) {
      return Context.root();
    }
    SpanContext parent =
        SpanContext.createFromRemoteParent(
            m.group(1), m.group(2), TraceFlags.fromHex(m.group(3), 0), TraceState.getDefault());
    return parent.isValid() ? Context.root().with(Span.wrap(parent)) : Context.root();
  }

  private static final class Id extends AbstractExtensionId<NodeTracing> {
    @Override
    public NodeTracing createExtension(ExtendedActorSystem system) {
      return new NodeTracing();
    }
  }
}
