package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;
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
 * @param schema a JSON Schema the answer must follow (then parsed as JSON); may be null
 * @param schemaName the schema's name, as OpenAI's {@code json_schema.name}
 * @param stream whether to ask the provider for a streamed answer
 */
public record LlmCall(
    ProviderSettings provider,
    String model,
    String system,
    List<ChatMessage> messages,
    Double temperature,
    int maxTokens,
    List<String> stop,
    JsonNode schema,
    String schemaName,
    boolean stream) {

  public LlmCall {
    messages = List.copyOf(messages);
    stop = List.copyOf(stop);
  }

  /** Whether the step asked for structured output. */
  public boolean wantsJson() {
    return schema != null;
  }
}
