package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.agent.Usage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/** The Anthropic Messages protocol ({@code POST messages}). */
final class AnthropicWire implements ProviderWire {
  static final AnthropicWire INSTANCE = new AnthropicWire();

  // Anthropic has no response format: the schema is asked for in words, the answer parsed after.
  static final String JSON_INSTRUCTION =
      "Answer with one JSON value only, no other text and no code fence, following this JSON"
          + " Schema:\n";
  // How Anthropic words an invalid_request_error for a prompt beyond the model's context.
  private static final String PROMPT_TOO_LONG = "prompt is too long";
  static final String TOOL_USE = "tool_use";

  private AnthropicWire() {}

  @Override
  public HttpRequest request(LlmCall call, Optional<String> key) {
    ObjectNode body = WireJson.mapper().createObjectNode();
    body.put("model", call.model());
    body.put("max_tokens", call.maxTokens());
    // Anthropic takes the system prompt apart from the messages: system messages join it.
    List<String> system = new ArrayList<>();
    if (call.system() != null) {
      system.add(call.system());
    }
    ArrayNode messages = body.putArray("messages");
    AnthropicMessages.write(call.messages(), messages, system);
    if (call.wantsJson()) {
      system.add(JSON_INSTRUCTION + call.schema().node());
    }
    if (!system.isEmpty()) {
      body.put("system", String.join("\n\n", system));
    }
    if (call.temperature() != null) {
      body.put("temperature", call.temperature());
    }
    if (!call.stop().isEmpty()) {
      call.stop().forEach(body.putArray("stop_sequences")::add);
    }
    if (call.stream()) {
      body.put("stream", true);
    }
    if (call.hasTools()) {
      ArrayNode tools = body.putArray("tools");
      for (OfferedTool tool : call.tools()) {
        ObjectNode written = tools.addObject().put("name", tool.name());
        if (tool.description() != null) {
          written.put("description", tool.description());
        }
        written.set("input_schema", tool.parameters());
      }
      if (call.toolChoice() != null) {
        body.putObject("tool_choice").put("type", toolChoice(call.toolChoice()));
      }
    }
    HttpRequest request =
        HttpRequest.POST(call.provider().endpoint("messages").toString())
            .withEntity(ContentTypes.APPLICATION_JSON, WireJson.bytes(body))
            .addHeader(RawHeader.create("anthropic-version", call.provider().anthropicVersion()));
    return key.map(k -> request.addHeader(RawHeader.create("x-api-key", k))).orElse(request);
  }

  @Override
  public LlmAnswer answer(JsonNode body) {
    JsonNode content = body.path("content");
    if (!content.isArray()) {
      throw WireJson.broken("the answer has no content blocks");
    }
    StringBuilder text = new StringBuilder();
    List<ToolCall> calls = new ArrayList<>();
    for (JsonNode block : content) {
      String type = WireJson.text(block, "type");
      if ("text".equals(type)) {
        text.append(WireJson.text(block, "text"));
      } else if (TOOL_USE.equals(type)) {
        calls.add(toolCall(block));
      }
    }
    String model = WireJson.text(body, "model");
    JsonNode usage = body.path("usage");
    return new LlmAnswer(
        text.toString(),
        finishReason(WireJson.text(body, "stop_reason")),
        model,
        usage(model, usage, usage.path("output_tokens").asLong()),
        calls);
  }

  /** A {@code tool_use} block's call; its {@code input} is already JSON. */
  private static ToolCall toolCall(JsonNode block) {
    JsonNode input = block.path("input");
    String id = WireJson.text(block, "id");
    String name = WireJson.text(block, "name");
    if (input.isObject()) {
      return new ToolCall(id, name, input, null);
    }
    // Not an object: kept as the model's text, for the model to be told.
    return ToolCall.parsed(
        id,
        name,
        input.isMissingNode() ? null : input.isTextual() ? input.asText() : input.toString());
  }

  /** Anthropic's {@code tool_choice} type for the step's choice. */
  private static String toolChoice(String choice) {
    return LlmCall.TOOL_CHOICE_REQUIRED.equals(choice) ? "any" : choice;
  }

  @Override
  public StreamAssembly stream() {
    return new AnthropicStream();
  }

  @Override
  public ProviderError error(JsonNode body) {
    JsonNode error = body.path("error");
    String message = WireJson.text(error, "message");
    return new ProviderError(
        WireJson.text(error, "type"),
        null,
        message,
        message != null && message.toLowerCase(Locale.ROOT).contains(PROMPT_TOO_LONG));
  }

  /**
   * The usage Anthropic reports. Its {@code input_tokens} leaves out the tokens read from and
   * written to the cache, so the prompt is the sum of the three.
   */
  static Usage usage(String model, JsonNode usage, long outputTokens) {
    long cached = usage.path("cache_read_input_tokens").asLong();
    long prompt =
        usage.path("input_tokens").asLong()
            + cached
            + usage.path("cache_creation_input_tokens").asLong();
    return new Usage(model, prompt, outputTokens, BigDecimal.ZERO, cached, 0);
  }

  /** Anthropic's stop reason in OpenAI's words, which the step's output uses. */
  static String finishReason(String stopReason) {
    if (stopReason == null) {
      return null;
    }
    return switch (stopReason) {
      case "end_turn", "stop_sequence" -> "stop";
      case "max_tokens" -> "length";
      case "refusal" -> "content_filter";
      case TOOL_USE -> LlmAnswer.TOOL_CALLS;
      default -> stopReason;
    };
  }
}
