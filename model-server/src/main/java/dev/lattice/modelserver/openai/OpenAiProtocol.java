package dev.lattice.modelserver.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.modelserver.Protocol;
import dev.lattice.modelserver.http.Answer;
import dev.lattice.modelserver.http.ContentText;
import dev.lattice.modelserver.http.ModelCall;
import dev.lattice.modelserver.http.ModelError;
import dev.lattice.modelserver.http.ProviderProtocol;
import dev.lattice.modelserver.http.RateStatus;
import dev.lattice.modelserver.http.RequestRejected;
import dev.lattice.modelserver.http.SseFrame;
import dev.lattice.modelserver.http.StreamFrames;
import dev.lattice.modelserver.http.WireJson;
import dev.lattice.modelserver.openai.OpenAiWire.AssistantMessage;
import dev.lattice.modelserver.openai.OpenAiWire.ChatCompletion;
import dev.lattice.modelserver.openai.OpenAiWire.ChatCompletionChunk;
import dev.lattice.modelserver.openai.OpenAiWire.ChatMessage;
import dev.lattice.modelserver.openai.OpenAiWire.ChatRequest;
import dev.lattice.modelserver.openai.OpenAiWire.Choice;
import dev.lattice.modelserver.openai.OpenAiWire.ChunkChoice;
import dev.lattice.modelserver.openai.OpenAiWire.CompletionTokensDetails;
import dev.lattice.modelserver.openai.OpenAiWire.CompletionUsage;
import dev.lattice.modelserver.openai.OpenAiWire.Delta;
import dev.lattice.modelserver.openai.OpenAiWire.DeltaFunction;
import dev.lattice.modelserver.openai.OpenAiWire.DeltaToolCall;
import dev.lattice.modelserver.openai.OpenAiWire.ErrorBody;
import dev.lattice.modelserver.openai.OpenAiWire.ErrorDetail;
import dev.lattice.modelserver.openai.OpenAiWire.ModelEntry;
import dev.lattice.modelserver.openai.OpenAiWire.ModelList;
import dev.lattice.modelserver.openai.OpenAiWire.PromptTokensDetails;
import dev.lattice.modelserver.script.Chunking;
import dev.lattice.modelserver.script.ToolCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/** OpenAI's Chat Completions: {@code POST /v1/chat/completions} and {@code GET /v1/models}. */
public final class OpenAiProtocol implements ProviderProtocol {

  private static final Set<String> RESPONSE_FORMATS = Set.of("text", "json_object", "json_schema");
  private static final String BEARER = "Bearer ";
  private static final String FUNCTION = "function";
  // Streamed arguments come in small pieces, as a model generates them.
  private static final Chunking ARGUMENT_PIECES = Chunking.CHARS;
  private static final int ARGUMENT_PIECE_CHARS = 8;

  @Override
  public Protocol protocol() {
    return Protocol.OPENAI;
  }

  @Override
  public boolean authorized(HttpRequest request, String apiKey) {
    return request
        .getHeader("Authorization")
        .map(HttpHeader::value)
        .filter(v -> v.equals(BEARER + apiKey))
        .isPresent();
  }

  @Override
  public ModelCall read(HttpRequest request, JsonNode body) {
    ChatRequest chat = WireJson.read(body, ChatRequest.class);
    if (chat.model() == null || chat.model().isBlank()) {
      throw rejected("you must provide a model parameter");
    }
    if (chat.messages() == null || chat.messages().isEmpty()) {
      throw rejected("'messages' must contain at least one message");
    }
    if (chat.responseFormat() != null) {
      checkResponseFormat(chat.responseFormat());
    }
    StringBuilder prompt = new StringBuilder();
    for (JsonNode tool : Optional.ofNullable(chat.tools()).orElse(List.of())) {
      checkTool(tool);
      prompt.append(tool).append('\n');
    }
    String lastUser = "";
    String lastToolResult = "";
    // Tool calls not yet answered by a tool message, as OpenAI checks them.
    Set<String> open = new LinkedHashSet<>();
    for (ChatMessage message : chat.messages()) {
      String text = ContentText.of(message.content());
      prompt.append(text).append('\n');
      if (!"tool".equals(message.role()) && !open.isEmpty()) {
        throw rejected("tool_call_ids did not have response messages: " + open);
      }
      if ("user".equals(message.role())) {
        lastUser = text;
      } else if ("tool".equals(message.role())) {
        if (message.toolCallId() == null || !open.remove(message.toolCallId())) {
          throw rejected(
              "messages with role 'tool' must be a response to a preceding message with"
                  + " 'tool_calls' (tool_call_id "
                  + message.toolCallId()
                  + ")");
        }
        lastToolResult = text;
      }
      for (OpenAiWire.ToolCall call : Optional.ofNullable(message.toolCalls()).orElse(List.of())) {
        if (call.id() == null || call.function() == null || call.function().name() == null) {
          throw rejected("each of an assistant's tool_calls needs an id and a function name");
        }
        open.add(call.id());
        prompt.append(call.function().name()).append(call.function().arguments()).append('\n');
      }
    }
    boolean stream = Boolean.TRUE.equals(chat.stream());
    boolean includeUsage =
        chat.streamOptions() != null && Boolean.TRUE.equals(chat.streamOptions().includeUsage());
    String lastRole = chat.messages().get(chat.messages().size() - 1).role();
    return new ModelCall(
        chat.model(), lastUser, prompt.toString(), stream, includeUsage, lastRole, lastToolResult);
  }

  private static void checkTool(JsonNode tool) {
    if (!"function".equals(tool.path("type").asText())
        || !tool.path("function").path("name").isTextual()) {
      throw rejected("each of 'tools' must be {type: function, function: {name, ...}}");
    }
  }

  private static void checkResponseFormat(OpenAiWire.ResponseFormat format) {
    if (!RESPONSE_FORMATS.contains(format.type())) {
      throw rejected("response_format.type must be one of " + RESPONSE_FORMATS);
    }
    if ("json_schema".equals(format.type())
        && (format.jsonSchema() == null || !format.jsonSchema().isObject())) {
      throw rejected("response_format of type json_schema needs a json_schema object");
    }
  }

  private static RequestRejected rejected(String message) {
    return new RequestRejected(ModelError.invalidRequest(message));
  }

  @Override
  public String completion(Answer answer, String id, Instant created) {
    return WireJson.write(
        new ChatCompletion(
            id,
            "chat.completion",
            created.getEpochSecond(),
            answer.model(),
            List.of(
                new Choice(
                    0,
                    new AssistantMessage(
                        "assistant",
                        answer.text().isEmpty() && !answer.toolCalls().isEmpty()
                            ? null
                            : answer.text(),
                        answer.toolCalls().stream()
                            .map(
                                c ->
                                    new OpenAiWire.ToolCall(
                                        c.id(),
                                        FUNCTION,
                                        new OpenAiWire.Function(c.name(), c.argumentsText())))
                            .toList()),
                    answer.finishReason().openAi())),
            usage(answer)));
  }

  @Override
  public StreamFrames stream(ModelCall call, Answer answer, String id, Instant created) {
    long seconds = created.getEpochSecond();
    SseFrame opening =
        chunk(id, seconds, answer, new ChunkChoice(0, new Delta("assistant", ""), null));
    List<SseFrame> tokens = new ArrayList<>();
    for (String token : answer.tokens()) {
      tokens.add(chunk(id, seconds, answer, new ChunkChoice(0, new Delta(null, token), null)));
    }
    // Each call: one chunk with its id and name, then its arguments' text in pieces.
    for (int i = 0; i < answer.toolCalls().size(); i++) {
      ToolCall toolCall = answer.toolCalls().get(i);
      tokens.add(
          toolChunk(
              id,
              seconds,
              answer,
              new DeltaToolCall(
                  i, toolCall.id(), FUNCTION, new DeltaFunction(toolCall.name(), ""))));
      for (String piece : ARGUMENT_PIECES.split(toolCall.argumentsText(), ARGUMENT_PIECE_CHARS)) {
        tokens.add(
            toolChunk(
                id,
                seconds,
                answer,
                new DeltaToolCall(i, null, null, new DeltaFunction(null, piece))));
      }
    }
    List<SseFrame> closing = new ArrayList<>();
    closing.add(
        chunk(
            id,
            seconds,
            answer,
            new ChunkChoice(0, new Delta(null, null), answer.finishReason().openAi())));
    if (call.includeUsage()) {
      closing.add(
          SseFrame.data(
              WireJson.write(
                  new ChatCompletionChunk(
                      id,
                      "chat.completion.chunk",
                      seconds,
                      answer.model(),
                      List.of(),
                      usage(answer)))));
    }
    closing.add(SseFrame.data("[DONE]"));
    return new StreamFrames(List.of(opening), tokens, closing);
  }

  private static SseFrame toolChunk(String id, long created, Answer answer, DeltaToolCall call) {
    return chunk(
        id, created, answer, new ChunkChoice(0, new Delta(null, null, List.of(call)), null));
  }

  private static SseFrame chunk(String id, long created, Answer answer, ChunkChoice choice) {
    return SseFrame.data(
        WireJson.write(
            new ChatCompletionChunk(
                id, "chat.completion.chunk", created, answer.model(), List.of(choice), null)));
  }

  private static CompletionUsage usage(Answer answer) {
    return new CompletionUsage(
        answer.promptTokens(),
        answer.completionTokens(),
        answer.totalTokens(),
        new PromptTokensDetails(answer.cachedTokens()),
        new CompletionTokensDetails(answer.reasoningTokens()));
  }

  /** The list {@code GET /v1/models} answers. */
  public String models(List<String> names, Instant created) {
    List<ModelEntry> entries =
        names.stream()
            .map(n -> new ModelEntry(n, "model", created.getEpochSecond(), "lattice-scripted"))
            .toList();
    return WireJson.write(new ModelList("list", entries));
  }

  @Override
  public String error(ModelError error) {
    ErrorDetail detail =
        switch (error.kind()) {
          case INVALID_REQUEST -> detail(error, "invalid_request_error", null, null);
          case CONTEXT_LENGTH_EXCEEDED ->
              detail(error, "invalid_request_error", "messages", "context_length_exceeded");
          case AUTHENTICATION -> detail(error, "invalid_request_error", null, "invalid_api_key");
          case PERMISSION -> detail(error, "permission_error", null, null);
          case NOT_FOUND -> detail(error, "invalid_request_error", null, "not_found");
          case RATE_LIMITED -> detail(error, "requests", null, "rate_limit_exceeded");
          case SERVER_ERROR, OVERLOADED -> detail(error, "server_error", null, null);
        };
    return WireJson.write(new ErrorBody(detail));
  }

  private static ErrorDetail detail(ModelError error, String type, String param, String code) {
    return new ErrorDetail(error.message(), type, param, code);
  }

  @Override
  public List<HttpHeader> rateLimitHeaders(RateStatus status, Instant now) {
    List<HttpHeader> headers = new ArrayList<>();
    add(headers, "requests", status.requests());
    add(headers, "tokens", status.tokens());
    return headers;
  }

  private static void add(
      List<HttpHeader> headers, String what, Optional<RateStatus.Dimension> dimension) {
    dimension.ifPresent(
        d -> {
          headers.add(RawHeader.create("x-ratelimit-limit-" + what, Long.toString(d.limit())));
          headers.add(
              RawHeader.create("x-ratelimit-remaining-" + what, Long.toString(d.remaining())));
          headers.add(RawHeader.create("x-ratelimit-reset-" + what, goDuration(d.reset())));
        });
  }

  /** OpenAI writes resets as Go durations: {@code 1s}, {@code 6m0s}, {@code 20ms}. */
  static String goDuration(Duration d) {
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      return d.toMillis() + "ms";
    }
    long seconds = d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0);
    return seconds < Duration.ofMinutes(1).toSeconds()
        ? seconds + "s"
        : (seconds / Duration.ofMinutes(1).toSeconds())
            + "m"
            + (seconds % Duration.ofMinutes(1).toSeconds())
            + "s";
  }

  @Override
  public String newId() {
    return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
  }
}
