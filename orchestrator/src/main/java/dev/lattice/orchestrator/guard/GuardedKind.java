package dev.lattice.orchestrator.guard;

import java.util.Arrays;
import java.util.Locale;

/** What a guardrail looks at: the four crossings between a model, its tools and the world. */
public enum GuardedKind {
  /** What a model call sends its model: a tool loop's turn, a plain llm step. */
  MODEL_REQUEST,
  /** What the model answered: text, and a turn's tool calls. */
  MODEL_ANSWER,
  /** The arguments of a tool call the model made. */
  TOOL_ARGUMENTS,
  /** What a tool call returned, before the model reads it. */
  TOOL_RESULT;

  /** The lower-case, dashed name of configuration and audit entries. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static GuardedKind fromWire(String wire) {
    return Arrays.stream(values())
        .filter(k -> k.wire().equals(wire))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown guardrail target '"
                        + wire
                        + "'; expected one of "
                        + Arrays.stream(values()).map(GuardedKind::wire).toList()));
  }
}
