package dev.lattice.worker.action.llm;

import dev.lattice.protocol.agent.Usage;
import java.util.List;

/**
 * A model's answer as read from its provider.
 *
 * @param text the answer's text; may be empty when it calls tools
 * @param finishReason why it ended: {@code stop}, {@code length}, {@code content_filter}, {@code
 *     tool_calls}, or the provider's own word for anything else
 * @param model the model that answered, as the provider named it
 * @param usage the tokens the call consumed (no cost: the dispatcher prices it)
 * @param toolCalls the tools the model called, in its order; empty when it called none
 */
public record LlmAnswer(
    String text, String finishReason, String model, Usage usage, List<ToolCall> toolCalls) {
  static final String TOOL_CALLS = "tool_calls";
  private static final String STOP = "stop";

  public LlmAnswer {
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    // Some OpenAI-compatible servers end a turn that calls tools with "stop": the calls decide.
    if (!toolCalls.isEmpty() && (finishReason == null || STOP.equals(finishReason))) {
      finishReason = TOOL_CALLS;
    }
  }

  /** An answer of text only. */
  public LlmAnswer(String text, String finishReason, String model, Usage usage) {
    this(text, finishReason, model, usage, List.of());
  }

  /** Whether the model called tools. */
  public boolean callsTools() {
    return !toolCalls.isEmpty();
  }
}
