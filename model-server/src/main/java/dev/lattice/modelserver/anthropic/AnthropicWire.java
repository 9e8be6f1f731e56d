package dev.lattice.modelserver.anthropic;

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
      Boolean stream) {}

  record InputMessage(String role, JsonNode content) {}

  record Message(
      String id,
      String type,
      String role,
      String model,
      List<TextBlock> content,
      String stopReason,
      String stopSequence,
      MessageUsage usage) {}

  record TextBlock(String type, String text) {}

  record MessageUsage(
      int inputTokens, int outputTokens, int cacheReadInputTokens, int cacheCreationInputTokens) {}

  record MessageStart(String type, Message message) {}

  record ContentBlockStart(String type, int index, TextBlock contentBlock) {}

  record ContentBlockDelta(String type, int index, TextDelta delta) {}

  record TextDelta(String type, String text) {}

  record ContentBlockStop(String type, int index) {}

  record MessageDelta(String type, StopDelta delta, DeltaUsage usage) {}

  record StopDelta(String stopReason, String stopSequence) {}

  record DeltaUsage(int outputTokens) {}

  record MessageStop(String type) {}

  record ErrorBody(String type, ErrorDetail error) {}

  record ErrorDetail(String type, String message) {}
}
