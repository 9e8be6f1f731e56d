package dev.lattice.modelserver.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * OpenAI's Chat Completions wire format, as far as the server reads and writes it (snake_case on
 * the wire, see {@code WireJson}).
 */
final class OpenAiWire {

  private OpenAiWire() {}

  record ChatRequest(
      String model,
      List<ChatMessage> messages,
      Integer maxTokens,
      Integer maxCompletionTokens,
      Double temperature,
      JsonNode stop,
      Boolean stream,
      StreamOptions streamOptions,
      ResponseFormat responseFormat,
      List<JsonNode> tools,
      JsonNode toolChoice) {}

  record ChatMessage(String role, JsonNode content, List<ToolCall> toolCalls, String toolCallId) {}

  /** A tool call, in an assistant message or an answer; {@code arguments} is JSON text. */
  record ToolCall(String id, String type, Function function) {}

  record Function(String name, String arguments) {}

  record StreamOptions(Boolean includeUsage) {}

  record ResponseFormat(String type, JsonNode jsonSchema) {}

  record ChatCompletion(
      String id,
      String object,
      long created,
      String model,
      List<Choice> choices,
      CompletionUsage usage) {}

  record Choice(int index, AssistantMessage message, String finishReason) {}

  /** OpenAI sends {@code content: null} for a turn that only calls tools. */
  record AssistantMessage(
      String role,
      String content,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCall> toolCalls) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ChatCompletionChunk(
      String id,
      String object,
      long created,
      String model,
      List<ChunkChoice> choices,
      CompletionUsage usage) {}

  /** {@code finish_reason} is sent as null until the last chunk, as OpenAI does. */
  record ChunkChoice(int index, Delta delta, String finishReason) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Delta(String role, String content, List<DeltaToolCall> toolCalls) {
    Delta(String role, String content) {
      this(role, content, null);
    }
  }

  /** A piece of a streamed tool call: its id, type and name come first, then its arguments. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record DeltaToolCall(int index, String id, String type, DeltaFunction function) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record DeltaFunction(String name, String arguments) {}

  record CompletionUsage(
      int promptTokens,
      int completionTokens,
      int totalTokens,
      PromptTokensDetails promptTokensDetails,
      CompletionTokensDetails completionTokensDetails) {}

  record PromptTokensDetails(int cachedTokens) {}

  record CompletionTokensDetails(int reasoningTokens) {}

  record ModelList(String object, List<ModelEntry> data) {}

  record ModelEntry(String id, String object, long created, String ownedBy) {}

  record ErrorBody(ErrorDetail error) {}

  record ErrorDetail(String message, String type, String param, String code) {}
}
