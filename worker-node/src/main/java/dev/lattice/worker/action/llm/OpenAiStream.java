package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.Usage;

/**
 * A streamed Chat Completions answer: {@code chat.completion.chunk} events whose {@code
 * choices[0].delta.content} carry the text (and {@code delta.tool_calls} the pieces of tool calls:
 * index, id, function name, pieces of the arguments' text), one with the {@code finish_reason}, a
 * last one with the {@code usage} (asked for with {@code stream_options.include_usage}), then
 * {@code [DONE]}.
 */
final class OpenAiStream implements StreamAssembly {
  private static final String DONE = "[DONE]";

  private final StringBuilder text = new StringBuilder();
  private final ToolCallPieces toolCalls = new ToolCallPieces();
  private String finishReason;
  private String model;
  private Usage usage;
  private boolean done;
  private volatile int events;

  @Override
  public String accept(String type, String data) {
    events++;
    if (DONE.equals(data.strip())) {
      done = true;
      return "";
    }
    JsonNode chunk = WireJson.parse(data, "a streamed chunk of the answer");
    if (chunk.has("error")) {
      throw new ProviderError.Reported(OpenAiWire.INSTANCE.error(chunk));
    }
    String named = WireJson.text(chunk, "model");
    model = named != null ? named : model;
    JsonNode choice = chunk.path("choices").path(0);
    String reason = WireJson.text(choice, "finish_reason");
    finishReason = reason != null ? reason : finishReason;
    if (chunk.hasNonNull("usage")) {
      usage = OpenAiWire.usage(model, chunk.path("usage"));
    }
    for (JsonNode call : choice.path("delta").path("tool_calls")) {
      JsonNode function = call.path("function");
      String id = WireJson.text(call, "id");
      toolCalls.accept(
          call.path("index").isIntegralNumber()
              ? call.path("index").asInt()
              : toolCalls.indexOf(id),
          id,
          WireJson.text(function, "name"),
          WireJson.text(function, "arguments"));
    }
    String delta = WireJson.text(choice.path("delta"), "content");
    if (delta == null) {
      return "";
    }
    text.append(delta);
    return delta;
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
      throw WireJson.broken("the answer stream ended before [DONE], after " + events + " events");
    }
    Usage counted = usage == null ? new Usage(model, 0, 0, null) : usage;
    return new LlmAnswer(text.toString(), finishReason, model, counted, toolCalls.calls());
  }
}
