package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.protocol.agent.Usage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.Authorization;

/**
 * The OpenAI Chat Completions protocol ({@code POST chat/completions}), as OpenAI, Ollama, vLLM and
 * the scripted model server speak it.
 */
final class OpenAiWire implements ProviderWire {
  static final OpenAiWire INSTANCE = new OpenAiWire();
  static final String CONTEXT_LENGTH_EXCEEDED = "context_length_exceeded";

  private OpenAiWire() {}

  @Override
  public HttpRequest request(LlmCall call, Optional<String> key) {
    ObjectNode body = WireJson.mapper().createObjectNode();
    body.put("model", call.model());
    ArrayNode messages = body.putArray("messages");
    if (call.system() != null) {
      messages.addObject().put("role", ChatMessage.SYSTEM).put("content", call.system());
    }
    for (ChatMessage message : call.messages()) {
      message(messages.addObject(), message);
    }
    if (call.hasTools()) {
      ArrayNode tools = body.putArray("tools");
      for (OfferedTool tool : call.tools()) {
        ObjectNode function = tools.addObject().put("type", "function").putObject("function");
        function.put("name", tool.name());
        if (tool.description() != null) {
          function.put("description", tool.description());
        }
        function.set("parameters", tool.parameters());
      }
      if (call.toolChoice() != null) {
        body.put("tool_choice", call.toolChoice());
      }
    }
    // max_tokens rather than max_completion_tokens: every OpenAI-compatible server reads it.
    body.put("max_tokens", call.maxTokens());
    if (call.temperature() != null) {
      body.put("temperature", call.temperature());
    }
    if (!call.stop().isEmpty()) {
      call.stop().forEach(body.putArray("stop")::add);
    }
    if (call.wantsJson()) {
      ObjectNode schema =
          body.putObject("response_format").put("type", "json_schema").putObject("json_schema");
      schema.put("name", call.schemaName()).set("schema", call.schema().node());
    }
    if (call.stream()) {
      body.put("stream", true);
      body.putObject("stream_options").put("include_usage", true);
    }
    HttpRequest request =
        HttpRequest.POST(call.provider().endpoint("chat/completions").toString())
            .withEntity(ContentTypes.APPLICATION_JSON, WireJson.bytes(body));
    return key.map(k -> request.addHeader(Authorization.oauth2(k))).orElse(request);
  }

  /** {@code message} in Chat Completions' shape, written into {@code into}. */
  private static void message(ObjectNode into, ChatMessage message) {
    into.put("role", message.role());
    if (message.isToolResult()) {
      into.put("tool_call_id", message.toolCallId());
      into.put("content", ToolOutput.wrapped(message.content(), message.isError()));
      return;
    }
    if (message.toolCalls().isEmpty()) {
      into.put("content", message.content());
      return;
    }
    // An assistant turn that only calls tools has no content, which OpenAI wants as null.
    if (message.content() == null || message.content().isEmpty()) {
      into.putNull("content");
    } else {
      into.put("content", message.content());
    }
    ArrayNode calls = into.putArray("tool_calls");
    for (ToolCall call : message.toolCalls()) {
      calls
          .addObject()
          .put("id", call.id())
          .put("type", "function")
          .putObject("function")
          .put("name", call.name())
          .put("arguments", call.argumentsText());
    }
  }

  @Override
  public LlmAnswer answer(JsonNode body) {
    JsonNode choice = body.path("choices").path(0);
    if (choice.isMissingNode()) {
      throw WireJson.broken("the answer has no choices: " + abbreviated(body));
    }
    String text = WireJson.text(choice.path("message"), "content");
    String model = WireJson.text(body, "model");
    List<ToolCall> calls = new ArrayList<>();
    for (JsonNode call : choice.path("message").path("tool_calls")) {
      JsonNode function = call.path("function");
      calls.add(
          ToolCall.parsed(
              WireJson.text(call, "id"),
              WireJson.text(function, "name"),
              WireJson.text(function, "arguments")));
    }
    return new LlmAnswer(
        text == null ? "" : text,
        WireJson.text(choice, "finish_reason"),
        model,
        usage(model, body.path("usage")),
        calls);
  }

  @Override
  public StreamAssembly stream() {
    return new OpenAiStream();
  }

  @Override
  public ProviderError error(JsonNode body) {
    JsonNode error = body.path("error");
    String code = WireJson.text(error, "code");
    return new ProviderError(
        WireJson.text(error, "type"),
        code,
        WireJson.text(error, "message"),
        CONTEXT_LENGTH_EXCEEDED.equals(code));
  }

  /**
   * The usage OpenAI reports: cached tokens are part of the prompt, reasoning of the completion.
   */
  static Usage usage(String model, JsonNode usage) {
    return new Usage(
        model,
        usage.path("prompt_tokens").asLong(),
        usage.path("completion_tokens").asLong(),
        BigDecimal.ZERO,
        usage.path("prompt_tokens_details").path("cached_tokens").asLong(),
        usage.path("completion_tokens_details").path("reasoning_tokens").asLong());
  }

  private static String abbreviated(JsonNode body) {
    String text = body.toString();
    return text.length() > ABBREVIATED ? text.substring(0, ABBREVIATED) + "…" : text;
  }

  // Enough of an unexpected body to tell what it was.
  private static final int ABBREVIATED = 200;
}
