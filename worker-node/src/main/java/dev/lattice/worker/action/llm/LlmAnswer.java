package dev.lattice.worker.action.llm;

import dev.lattice.protocol.agent.Usage;
import java.util.ArrayList;
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
  private static final String MADE_UP_ID = "call_";

  public LlmAnswer {
    toolCalls = toolCalls == null ? List.of() : withIds(toolCalls);
    // Some OpenAI-compatible servers end a turn that calls tools with "stop": the calls decide.
    if (!toolCalls.isEmpty() && (finishReason == null || STOP.equals(finishReason))) {
      finishReason = TOOL_CALLS;
    }
  }

  /** An answer of text only. */
  public LlmAnswer(String text, String finishReason, String model, Usage usage) {
    this(text, finishReason, model, usage, List.of());
  }

  /**
   * The calls, each with an id: a server that gives none gets {@code call_N} by the call's place in
   * the answer, which is what its result refers to in the next turn.
   */
  private static List<ToolCall> withIds(List<ToolCall> calls) {
    List<ToolCall> named = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      ToolCall call = calls.get(i);
      named.add(
          call.id() == null || call.id().isEmpty()
              ? new ToolCall(
                  MADE_UP_ID + (i + 1), call.name(), call.arguments(), call.rawArguments())
              : call);
    }
    return List.copyOf(named);
  }

  /** Whether the model called tools. */
  public boolean callsTools() {
    return !toolCalls.isEmpty();
  }
}
