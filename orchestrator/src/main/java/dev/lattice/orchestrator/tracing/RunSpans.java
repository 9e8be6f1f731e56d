package dev.lattice.orchestrator.tracing;

import dev.lattice.protocol.run.RunSpec;
import dev.lattice.protocol.run.RunStatus;
import dev.lattice.protocol.run.RunTrace;
import dev.lattice.worker.tracing.NodeTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A run's span, {@code run SOURCE}: made once the run has ended, from when it started to when it
 * ended, with the ids its start recorded ({@link RunTrace}), so the spans of its steps — made on
 * whichever nodes ran them, before and after any crash — are its children. A run that never ends
 * has no span of its own; its steps' spans still share its trace.
 */
public final class RunSpans {
  private RunSpans() {}

  /** The run of {@code spec} ended with {@code status}; {@code detail} says why, if it failed. */
  public static void ended(
      ActorSystem<?> system,
      String runId,
      RunSpec spec,
      RunStatus status,
      String detail,
      Instant startedAt,
      Instant endedAt) {
    RunTrace trace = spec.trace();
    if (trace == null) {
      return;
    }
    SpanBuilder builder =
        NodeTracing.get(system)
            .tracer()
            .spanBuilder("run " + (spec.source() == null ? "plan" : spec.source()))
            .setSpanKind(SpanKind.INTERNAL)
            .setStartTimestamp(startedAt)
            .setAttribute("lattice.run.id", runId)
            .setAttribute("lattice.tenant", spec.tenant().value())
            .setAttribute("lattice.run.status", status.wire());
    builder.setParent(
        trace.parentSpanId() == null
            ? Context.root()
            : Context.root()
                .with(
                    Span.wrap(
                        SpanContext.createFromRemoteParent(
                            trace.traceId(),
                            trace.parentSpanId(),
                            TraceFlags.getSampled(),
                            TraceState.getDefault()))));
    Span span = PresetIds.with(trace.traceId(), trace.spanId(), builder::startSpan);
    if (status == RunStatus.FAILED) {
      span.setStatus(StatusCode.ERROR, detail == null ? "the run failed" : detail);
    }
    span.end(endedAt);
  }
}
