package dev.lattice.modelserver.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.modelserver.anthropic.AnthropicWire.InputMessage;
import dev.lattice.modelserver.anthropic.AnthropicWire.MessagesRequest;
import dev.lattice.modelserver.http.ContentText;
import dev.lattice.modelserver.http.ModelCall;
import dev.lattice.modelserver.http.ModelError;
import dev.lattice.modelserver.http.RequestRejected;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a Messages request's conversation: its prompt text, last user message and last tool result,
 * and checks its tool blocks as Anthropic does (every {@code tool_use} answered by a {@code
 * tool_result} in the next message, and no result without its call).
 */
final class AnthropicConversation {
  private static final String TOOL_USE = "tool_use";
  private static final String TOOL_RESULT = "tool_result";

  private AnthropicConversation() {}

  static ModelCall read(MessagesRequest request) {
    StringBuilder prompt = new StringBuilder(ContentText.of(request.system()));
    for (JsonNode tool : Optional.ofNullable(request.tools()).orElse(List.of())) {
      if (!tool.path("name").isTextual() || !tool.path("input_schema").isObject()) {
        throw rejected("tools: each tool needs a name and an input_schema object");
      }
      prompt.append('\n').append(tool);
    }
    String lastUser = "";
    String lastToolResult = "";
    String lastRole = "";
    Set<String> open = new LinkedHashSet<>();
    for (InputMessage message : request.messages()) {
      String text = ContentText.of(message.content());
      prompt.append('\n').append(text);
      boolean hasResults = false;
      for (JsonNode block : blocks(message.content())) {
        String type = block.path("type").asText();
        if (TOOL_USE.equals(type)) {
          open.add(block.path("id").asText());
          prompt.append(block.path("name").asText()).append(block.path("input"));
        } else if (TOOL_RESULT.equals(type)) {
          String id = block.path("tool_use_id").asText();
          if (!open.remove(id)) {
            throw rejected(
                "messages: unexpected tool_use_id found in tool_result blocks: "
                    + id
                    + ". Each tool_result block must have a corresponding tool_use block in the"
                    + " previous message.");
          }
          hasResults = true;
          lastToolResult = ContentText.of(block.path("content"));
          prompt.append('\n').append(lastToolResult);
        }
      }
      if ("user".equals(message.role())) {
        if (!open.isEmpty()) {
          throw rejected(
              "messages: tool_use ids were found without tool_result blocks immediately after: "
                  + open);
        }
        // A turn of tool results alone is the tools' turn, not the user's.
        if (hasResults && text.isEmpty()) {
          lastRole = "tool";
        } else {
          lastRole = "user";
          lastUser = text;
        }
      } else {
        lastRole = message.role();
      }
    }
    boolean stream = Boolean.TRUE.equals(request.stream());
    return new ModelCall(
        request.model(), lastUser, prompt.toString(), stream, stream, lastRole, lastToolResult);
  }

  private static Iterable<JsonNode> blocks(JsonNode content) {
    return content != null && content.isArray() ? content : List.of();
  }

  private static RequestRejected rejected(String message) {
    return new RequestRejected(ModelError.invalidRequest(message));
  }
}
