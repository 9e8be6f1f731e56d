package dev.lattice.worker.action.llm;

import java.util.List;

/**
 * One message of a conversation sent to a model.
 *
 * @param role {@code system}, {@code user}, {@code assistant} or {@code tool}
 * @param content its text; for a tool result, the result as text (JSON written compactly); may be
 *     empty for an assistant message that only calls tools
 * @param toolCalls the tools an assistant message called; empty otherwise
 * @param toolCallId for a tool result, the call it answers; null otherwise
 * @param name for a tool result, the tool's name; may be null
 * @param isError for a tool result, whether the call failed
 */
public record ChatMessage(
    String role,
    String content,
    List<ToolCall> toolCalls,
    String toolCallId,
    String name,
    boolean isError) {
  public static final String SYSTEM = "system";
  public static final String USER = "user";
  public static final String ASSISTANT = "assistant";
  public static final String TOOL = "tool";

  public ChatMessage {
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
  }

  /** A message of text only. */
  public ChatMessage(String role, String content) {
    this(role, content, List.of(), null, null, false);
  }

  /** An assistant message calling {@code calls}, with {@code text} (may be empty). */
  static ChatMessage toolCalling(String text, List<ToolCall> calls) {
    return new ChatMessage(ASSISTANT, text, calls, null, null, false);
  }

  /** The result of the call {@code callId}. */
  static ChatMessage toolResult(String callId, String name, String content, boolean isError) {
    return new ChatMessage(TOOL, content, List.of(), callId, name, isError);
  }

  boolean isToolResult() {
    return TOOL.equals(role);
  }
}
