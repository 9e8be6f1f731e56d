package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import java.nio.charset.StandardCharsets;

/**
 * An upper bound on the prompt tokens a provider counts for a call, known before the call: the
 * UTF-8 bytes of its text plus a fixed overhead per message and per call. Byte-level tokenizers
 * (those of OpenAI's and Anthropic's models, and the usual open ones) never make more tokens of a
 * text than it has bytes; the overheads cover the framing a chat template adds around each message
 * and before the answer. A JSON Schema the call sends for structured output counts as well, and so
 * do the tools offered (their names, descriptions and schemas, and the instructions a provider adds
 * when a call offers tools) and the tool calls and results of the conversation.
 *
 * <p>Budgets are reserved with it before a call, and a call's {@code maxTokens} is cut so that this
 * estimate plus the tokens it may generate stays within what the attempt may spend.
 *
 * @param bytesPerToken bytes of text counted as one token, rounded up: 1 is the bound; more gives
 *     budgets room at the risk of a prompt counted short (its provider may then spend past them)
 * @param tokensPerMessage overhead added for each message (the system prompt is one)
 * @param tokensPerCall overhead added once per call (the answer's priming, the schema's framing)
 * @param tokensPerTool overhead added for each tool offered and each tool call in the conversation
 * @param toolUseTokens added once to a call that offers tools: the instructions a provider puts
 *     before them (Anthropic's tool-use system prompt is a few hundred tokens)
 */
public record PromptEstimate(
    int bytesPerToken,
    int tokensPerMessage,
    int tokensPerCall,
    int tokensPerTool,
    int toolUseTokens) {
  public PromptEstimate {
    if (bytesPerToken < 1
        || tokensPerMessage < 0
        || tokensPerCall < 0
        || tokensPerTool < 0
        || toolUseTokens < 0) {
      throw new IllegalArgumentException(
          "lattice.llm.prompt-estimate: bytes-per-token must be >= 1, per-message-tokens,"
              + " per-call-tokens, per-tool-tokens and tool-use-tokens >= 0");
    }
  }

  /** Reads {@code c}, the {@code lattice.llm.prompt-estimate} section. */
  static PromptEstimate create(Config c) {
    return new PromptEstimate(
        c.getInt("bytes-per-token"),
        c.getInt("per-message-tokens"),
        c.getInt("per-call-tokens"),
        c.getInt("per-tool-tokens"),
        c.getInt("tool-use-tokens"));
  }

  /** At least as many tokens as the provider counts for the prompt of {@code call}. */
  public long tokens(LlmCall call) {
    long tokens = tokensPerCall;
    if (call.system() != null) {
      tokens += message(call.system());
    }
    for (ChatMessage message : call.messages()) {
      tokens += message(message);
    }
    if (call.hasTools()) {
      tokens += toolUseTokens;
      for (OfferedTool tool : call.tools()) {
        tokens +=
            tokensPerTool
                + tokensOf(
                    bytes(tool.name())
                        + bytes(tool.description())
                        + bytes(tool.parameters().toString()));
      }
    }
    if (call.schema() != null) {
      tokens += schema(call.schema().node(), call.schemaName());
    }
    return tokens;
  }

  /** The tokens a JSON Schema named {@code name} adds to a prompt, at most. */
  long schema(JsonNode schema, String name) {
    // OpenAI sends the schema as its response format; Anthropic asks for it in words.
    return tokensPerMessage
        + tokensOf(bytes(AnthropicWire.JSON_INSTRUCTION) + bytes(schema.toString()) + bytes(name));
  }

  /** The tokens {@code message} adds to a prompt, at most: its text as sent, its tool calls. */
  long message(ChatMessage message) {
    if (message.isToolResult()) {
      return tokensPerTool
          + message(ToolOutput.wrapped(message.content(), message.isError()))
          + tokensOf(bytes(message.toolCallId()));
    }
    long tokens = message(message.content());
    for (ToolCall call : message.toolCalls()) {
      tokens +=
          tokensPerTool
              + tokensOf(bytes(call.id()) + bytes(call.name()) + bytes(call.argumentsText()));
    }
    return tokens;
  }

  /** The tokens a message of {@code text} adds to a prompt, at most. */
  long message(String text) {
    return tokensPerMessage + tokensOf(bytes(text));
  }

  private long tokensOf(long bytes) {
    return (bytes + bytesPerToken - 1) / bytesPerToken;
  }

  static long bytes(String text) {
    return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
  }
}
