package dev.lattice.worker.action.llm;

import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.tracing.NodeTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import java.util.List;
import java.util.Locale;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The span of one model call, under the span current when it is made (its step attempt's), named
 * and described by OpenTelemetry's GenAI conventions: {@code chat MODEL}, with the operation, the
 * provider, the model asked for and the one that answered, the request's limits, the finish reason
 * and the tokens used. Never the prompt or the answer: they may hold what must not leave the node.
 */
final class ModelCallSpans {
  private static final String CHAT = "chat";
  private static final AttributeKey<List<String>> FINISH_REASONS =
      AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");

  private ModelCallSpans() {}

  /** Starts the span of {@code call}. */
  static Span start(ActorSystem<?> system, LlmCall call) {
    String provider = call.provider().protocol().name().toLowerCase(Locale.ROOT);
    var builder =
        NodeTracing.get(system)
            .tracer()
            .spanBuilder(CHAT + " " + call.model())
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute("gen_ai.operation.name", CHAT)
            .setAttribute("gen_ai.provider.name", provider)
            .setAttribute("gen_ai.system", provider)
            .setAttribute("gen_ai.request.model", call.model())
            .setAttribute("gen_ai.request.max_tokens", call.maxTokens())
            .setAttribute("lattice.llm.provider", call.provider().name())
            .setAttribute("server.address", call.provider().baseUrl().getHost());
    if (call.temperature() != null) {
      builder.setAttribute("gen_ai.request.temperature", call.temperature());
    }
    return builder.startSpan();
  }

  /** Ends {@code span} with {@code answer}, or with {@code failure} when the call failed. */
  static void end(Span span, LlmAnswer answer, Throwable failure) {
    if (failure != null) {
      span.setStatus(StatusCode.ERROR, failure.getMessage());
      span.setAttribute(
          "error.type",
          failure instanceof ActionException e
              ? e.errorClass().wire()
              : failure.getClass().getSimpleName());
    } else {
      if (answer.model() != null) {
        span.setAttribute("gen_ai.response.model", answer.model());
      }
      if (answer.finishReason() != null) {
        span.setAttribute(FINISH_REASONS, List.of(answer.finishReason()));
      }
      if (answer.usage() != null) {
        span.setAttribute("gen_ai.usage.input_tokens", answer.usage().promptTokens());
        span.setAttribute("gen_ai.usage.output_tokens", answer.usage().completionTokens());
      }
    }
    span.end();
  }
}
