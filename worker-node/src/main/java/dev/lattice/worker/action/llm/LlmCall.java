package dev.lattice.worker.action.llm;

import java.util.ArrayList;
import java.util.List;

/**
 * One model call, resolved from a step's input, its assignment and a profile: everything a
 * provider's protocol needs but the API key.
 *
 * @param provider the provider to call
 * @param model the model to call
 * @param system the system prompt; may be null
 * @param messages the conversation, without system messages other than those the step sent
 * @param temperature the sampling temperature; null for the provider's default
 * @param maxTokens the most tokens to generate
 * @param stop sequences that end the answer
 * @param schema a JSON Schema the answer must follow (then read as JSON and validated); may be null
 * @param schemaName the schema's name, as OpenAI's {@code json_schema.name}
 * @param repairs how many times an answer that does not follow {@code schema} is asked for again
 * @param stream whether to ask the provider for a streamed answer
 * @param tools the tools offered to the model; empty for none
 * @param toolChoice whether the model may, must or must not call them: {@code auto}, {@code
 *     required} or {@code none}; null for the provider's default (auto)
 */
public record LlmCall(
    ProviderSettings provider,
    String model,
    String system,
    List<ChatMessage> messages,
    Double temperature,
    int maxTokens,
    List<String> stop,
    AnswerSchema schema,
    String schemaName,
    int repairs,
    boolean stream,
    List<OfferedTool> tools,
    String toolChoice) {
  static final String TOOL_CHOICE_AUTO = "auto";
  static final String TOOL_CHOICE_NONE = "none";
  static final String TOOL_CHOICE_REQUIRED = "required";

  public LlmCall {
    messages = List.copyOf(messages);
    stop = List.copyOf(stop);
    tools = tools == null ? List.of() : List.copyOf(tools);
  }

  /** Whether the call offers the model tools. */
  public boolean hasTools() {
    return !tools.isEmpty();
  }

  /** Whether the step asked for structured output. */
  public boolean wantsJson() {
    return schema != null;
  }

  /** This call, generating at most {@code most} tokens. */
  LlmCall withMaxTokens(int most) {
    return new LlmCall(
        provider,
        model,
        system,
        messages,
        temperature,
        most,
        stop,
        schema,
        schemaName,
        repairs,
        stream,
        tools,
        toolChoice);
  }

  /** This call, sending {@code earlier} (a session's memory) before its own messages. */
  LlmCall withEarlier(List<ChatMessage> earlier) {
    if (earlier.isEmpty()) {
      return this;
    }
    List<ChatMessage> longer = new ArrayList<>(earlier);
    longer.addAll(messages);
    return withMessages(longer);
  }

  /**
   * This call, asking again: the conversation goes on with the rejected {@code answer} and a user
   * message, {@code request}, saying what was wrong with it.
   */
  LlmCall repairedWith(String answer, String request) {
    List<ChatMessage> longer = new ArrayList<>(messages);
    longer.add(new ChatMessage(ChatMessage.ASSISTANT, answer));
    longer.add(new ChatMessage(ChatMessage.USER, request));
    return withMessages(longer);
  }

  private LlmCall withMessages(List<ChatMessage> conversation) {
    return new LlmCall(
        provider,
        model,
        system,
        conversation,
        temperature,
        maxTokens,
        stop,
        schema,
        schemaName,
        repairs,
        stream,
        tools,
        toolChoice);
  }
}
