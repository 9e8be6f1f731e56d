package dev.lattice.worker.tracing;

import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.ids.AgentId;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * The span of a step attempt on the agent that runs it, under its run's span (the assignment's
 * {@code traceparent}): {@code step CAPABILITY}, or for a tool call of a tool loop {@code
 * execute_tool TOOL} (OpenTelemetry's GenAI conventions). The action runs with it current, so the
 * spans it starts (a model call's) hang under it.
 */
public final class AttemptSpans {
  static final String OPERATION = "gen_ai.operation.name";
  static final String TOOL_NAME = "gen_ai.tool.name";
  static final String ERROR_TYPE = "error.type";

  private AttemptSpans() {}

  /** Starts the span of {@code assignment}'s attempt on {@code agent}; the context it is in. */
  public static Context start(Tracer tracer, Assignment assignment, AgentId agent) {
    boolean toolCall = assignment.part() != null && !assignment.part().turnStep();
    var builder =
        tracer
            .spanBuilder(
                toolCall
                    ? "execute_tool " + assignment.part().tool()
                    : "step " + assignment.capability())
            .setParent(NodeTracing.under(assignment.traceparent()))
            .setSpanKind(SpanKind.INTERNAL)
            .setAttribute("lattice.run.id", assignment.runId().value())
            .setAttribute("lattice.step.id", assignment.stepId())
            .setAttribute("lattice.step.attempt", assignment.attempt())
            .setAttribute("lattice.capability", assignment.capability())
            .setAttribute("lattice.tenant", assignment.tenant().value())
            .setAttribute("lattice.agent.id", agent.value());
    if (toolCall) {
      builder
          .setAttribute(OPERATION, "execute_tool")
          .setAttribute(TOOL_NAME, assignment.part().tool());
    }
    Span span = builder.startSpan();
    return span.storeInContext(Context.root());
  }

  /**
   * Ends the span of {@code attempt} with {@code outcome}: an error with its class if it failed.
   */
  public static void end(Context attempt, StepOutcome outcome) {
    Span span = Span.fromContext(attempt);
    if (outcome instanceof StepOutcome.Failed failed) {
      span.setStatus(StatusCode.ERROR, failed.error().message());
      span.setAttribute(ERROR_TYPE, failed.error().errorClass().wire());
    }
    span.end();
  }
}
