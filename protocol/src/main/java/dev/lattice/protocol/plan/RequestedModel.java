package dev.lattice.protocol.plan;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The model a step asks for: its input's {@code model}, which the llm action takes before the
 * step's own {@code model}, else that one. Allow-lists are held against this, so that a model named
 * in the input cannot slip past them.
 */
public final class RequestedModel {
  private RequestedModel() {}

  /**
   * The model asked for by a step with {@code input} and {@code model}; null when neither names
   * one.
   */
  public static String of(JsonNode input, String model) {
    if (input != null && input.path("model").isTextual()) {
      return input.path("model").asText();
    }
    return model;
  }
}
