package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A conversation in the Messages API's shape. System messages join the system prompt; an assistant
 * turn that calls tools becomes {@code text} and {@code tool_use} blocks; tool results become
 * {@code tool_result} blocks of a user turn. Roles must alternate, so consecutive tool results
 * share one user turn, and a user message right after them joins it as a text block.
 */
final class AnthropicMessages {
  private static final String TYPE = "type";
  private static final String CONTENT = "content";

  private AnthropicMessages() {}

  /** Writes {@code conversation} into {@code messages}, its system messages into {@code system}. */
  static void write(List<ChatMessage> conversation, ArrayNode messages, List<String> system) {
    // The user turn holding the latest tool results, while the next message may join it.
    ArrayNode resultsTurn = null;
    for (ChatMessage message : conversation) {
      if (ChatMessage.SYSTEM.equals(message.role())) {
        system.add(message.content());
      } else if (message.isToolResult()) {
        if (resultsTurn == null) {
          resultsTurn = messages.addObject().put("role", ChatMessage.USER).putArray(CONTENT);
        }
        ObjectNode result =
            resultsTurn
                .addObject()
                .put(TYPE, "tool_result")
                .put("tool_use_id", message.toolCallId())
                .put(CONTENT, ToolOutput.wrapped(message.content(), message.isError()));
        result.put("is_error", message.isError());
      } else if (ChatMessage.USER.equals(message.role()) && resultsTurn != null) {
        resultsTurn.addObject().put(TYPE, "text").put("text", message.content());
        resultsTurn = null;
      } else if (!message.toolCalls().isEmpty()) {
        resultsTurn = null;
        ArrayNode blocks = messages.addObject().put("role", message.role()).putArray(CONTENT);
        if (message.content() != null && !message.content().isEmpty()) {
          blocks.addObject().put(TYPE, "text").put("text", message.content());
        }
        for (ToolCall call : message.toolCalls()) {
          ObjectNode use =
              blocks
                  .addObject()
                  .put(TYPE, AnthropicWire.TOOL_USE)
                  .put("id", call.id())
                  .put("name", call.name());
          // Anthropic takes only an object as input: arguments the model garbled go as none.
          if (call.arguments() != null) {
            use.set("input", call.arguments());
          } else {
            use.putObject("input");
          }
        }
      } else {
        resultsTurn = null;
        messages.addObject().put("role", message.role()).put(CONTENT, message.content());
      }
    }
  }
}
