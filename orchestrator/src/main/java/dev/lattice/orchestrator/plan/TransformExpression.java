package dev.lattice.orchestrator.plan;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * A transform step's JSONata expression, evaluated over {@code {payload, steps, run}} where {@code
 * steps} maps each succeeded step's id to {@code {output}}. Evaluation is bounded in time and
 * recursion depth, because it runs on the run's own actor.
 */
public final class TransformExpression {
  private final String source;
  private final Jsonata compiled;

  private TransformExpression(String source, Jsonata compiled) {
    this.source = source;
    this.compiled = compiled;
  }

  /** Compiles {@code source}; throws {@link IllegalArgumentException} with the parser's reason. */
  public static TransformExpression compile(String source) {
    try {
      return new TransformExpression(source, Jsonata.jsonata(source));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid JSONata expression: " + e.getMessage(), e);
    }
  }

  /**
   * Evaluates the expression over {@code context}.
   *
   * @throws IllegalArgumentException if evaluation fails or exceeds its bounds
   */
  public JsonNode evaluate(JsonNode context, Duration timeout, int maxDepth) {
    try {
      Jsonata.Frame frame = compiled.createFrame();
      frame.setRuntimeBounds(timeout.toMillis(), maxDepth);
      return JsonValues.toJson(compiled.evaluate(JsonValues.toJava(context), frame));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "expression '" + source + "' failed: " + e.getMessage(), e);
    }
  }
}
