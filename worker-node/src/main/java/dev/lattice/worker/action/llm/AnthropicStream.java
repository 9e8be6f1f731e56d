package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.Usage;

/**
 * A streamed Messages answer: {@code message_start} (model, input tokens), {@code
 * content_block_delta} events whose {@code text_delta} carry the text (a {@code tool_use} block's
 * start names a tool call, its {@code input_json_delta} events the arguments' text), {@code
 * message_delta} (stop reason, output tokens), then {@code message_stop}; {@code ping} and block
 * boundaries carry nothing, and an {@code error} event ends the stream.
 */
final class AnthropicStream implements StreamAssembly {
  private static final String INPUT_JSON_DELTA = "input_json_delta";

  private final StringBuilder text = new StringBuilder();
  private final ToolCallPieces toolCalls = new ToolCallPieces();
  private String model;
  private JsonNode startUsage = WireJson.mapper().createObjectNode();
  private long outputTokens;
  private String finishReason;
  private boolean done;
  private volatile int events;

  @Override
  public String accept(String type, String data) {
    events++;
    JsonNode event = WireJson.parse(data, "a streamed event of the answer");
    String kind = type != null ? type : WireJson.text(event, "type");
    switch (kind == null ? "" : kind) {
      case "message_start" -> {
        JsonNode message = event.path("message");
        model = WireJson.text(message, "model");
        startUsage = message.path("usage");
        outputTokens = startUsage.path("output_tokens").asLong();
      }
      case "content_block_start" -> {
        JsonNode block = event.path("content_block");
        if (AnthropicWire.TOOL_USE.equals(WireJson.text(block, "type"))) {
          // Its input comes in input_json_delta pieces; the start holds an empty one.
          toolCalls.accept(
              event.path("index").asInt(),
              WireJson.text(block, "id"),
              WireJson.text(block, "name"),
              null);
        }
      }
      case "content_block_delta" -> {
        JsonNode piece = event.path("delta");
        if (INPUT_JSON_DELTA.equals(WireJson.text(piece, "type"))) {
          toolCalls.accept(
              event.path("index").asInt(), null, null, WireJson.text(piece, "partial_json"));
          return "";
        }
        String delta = WireJson.text(piece, "text");
        if (delta != null) {
          text.append(delta);
          return delta;
        }
      }
      case "message_delta" -> {
        String reason = WireJson.text(event.path("delta"), "stop_reason");
        finishReason = reason != null ? AnthropicWire.finishReason(reason) : finishReason;
        JsonNode usage = event.path("usage");
        outputTokens =
            usage.has("output_tokens") ? usage.path("output_tokens").asLong() : outputTokens;
      }
      case "message_stop" -> done = true;
      case "error" -> throw new ProviderError.Reported(AnthropicWire.INSTANCE.error(event));
      default -> {
        // ping and content_block_stop carry nothing of the answer.
      }
    }
    return "";
  }

  @Override
  public int toolCallPieces() {
    return toolCalls.pieces();
  }

  @Override
  public int events() {
    return events;
  }

  @Override
  public LlmAnswer finish() {
    if (!done) {
      throw WireJson.broken(
          "the answer stream ended before message_stop, after " + events + " events");
    }
    Usage usage = AnthropicWire.usage(model, startUsage, outputTokens);
    return new LlmAnswer(text.toString(), finishReason, model, usage, toolCalls.calls());
  }
}
