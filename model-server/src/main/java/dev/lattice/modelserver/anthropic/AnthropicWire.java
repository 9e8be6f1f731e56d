package dev.lattice.modelserver.anthropic;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Anthropic's Messages API wire format, as far as the server reads and writes it (snake_case on the
 * wire, see {@code WireJson}).
 */
final class AnthropicWire {

  private AnthropicWire() {}

  record MessagesRequest(
      String model,
      JsonNode system,
      List<InputMessage> messages,
      Integer maxTokens,
      Double temperature,
      List<String> stopSequences,
      Boolean stream,
      List<JsonNode> tools,
      JsonNode toolChoice) {}

  record InputMessage(String role, JsonNode content) {}

  record Message(
      String id,
      String type,
      String role,
      String model,
      List<ContentBlock> content,
      String stopReason,
      String stopSequence,
      MessageUsage usage) {}

  /** A {@code text} block ({@code text}) or a {@code tool_use} block ({@code id, name, input}). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ContentBlock(String type, String text, String id, String name, JsonNode input) {
    static ContentBlock text(String text) {
      return new ContentBlock("text", text, null, null, null);
    }

    static ContentBlock toolUse(String id, String name, JsonNode input) {
      return new ContentBlock("tool_use", null, id, name, input);
    }
  }

  record MessageUsage(
      int inputTokens, int outputTokens, int cacheReadInputTokens, int cacheCreationInputTokens) {}

  record MessageStart(String type, Message message) {}

  record ContentBlockStart(String type, int index, ContentBlock contentBlock) {}

  record ContentBlockDelta(String type, int index, BlockDelta delta) {}

  /** A {@code text_delta} ({@code text}) or an {@code input_json_delta} ({@code partial_json}). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record BlockDelta(String type, String text, String partialJson) {
    static BlockDelta text(String text) {
      return new BlockDelta("text_delta", text, null);
    }

    static BlockDelta inputJson(String partialJson) {
      return new BlockDelta("input_json_delta", null, partialJson);
    }
  }

  record ContentBlockStop(String type, int index) {}

  record MessageDelta(String type, StopDelta delta, DeltaUsage usage) {}

  record StopDelta(String stopReason, String stopSequence) {}

  record DeltaUsage(int outputTokens) {}

  record MessageStop(String type) {}

  record ErrorBody(String type, ErrorDetail error) {}

  record ErrorDetail(String type, String message) {}
}
