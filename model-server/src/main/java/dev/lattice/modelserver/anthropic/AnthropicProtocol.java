package dev.lattice.modelserver.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.lattice.modelserver.Protocol;
import dev.lattice.modelserver.anthropic.AnthropicWire.BlockDelta;
import dev.lattice.modelserver.anthropic.AnthropicWire.ContentBlock;
import dev.lattice.modelserver.anthropic.AnthropicWire.ContentBlockDelta;
import dev.lattice.modelserver.anthropic.AnthropicWire.ContentBlockStart;
import dev.lattice.modelserver.anthropic.AnthropicWire.ContentBlockStop;
import dev.lattice.modelserver.anthropic.AnthropicWire.DeltaUsage;
import dev.lattice.modelserver.anthropic.AnthropicWire.ErrorBody;
import dev.lattice.modelserver.anthropic.AnthropicWire.ErrorDetail;
import dev.lattice.modelserver.anthropic.AnthropicWire.Message;
import dev.lattice.modelserver.anthropic.AnthropicWire.MessageDelta;
import dev.lattice.modelserver.anthropic.AnthropicWire.MessageStart;
import dev.lattice.modelserver.anthropic.AnthropicWire.MessageStop;
import dev.lattice.modelserver.anthropic.AnthropicWire.MessageUsage;
import dev.lattice.modelserver.anthropic.AnthropicWire.MessagesRequest;
import dev.lattice.modelserver.anthropic.AnthropicWire.StopDelta;
import dev.lattice.modelserver.http.Answer;
import dev.lattice.modelserver.http.ModelCall;
import dev.lattice.modelserver.http.ModelError;
import dev.lattice.modelserver.http.ProviderProtocol;
import dev.lattice.modelserver.http.RateStatus;
import dev.lattice.modelserver.http.RequestRejected;
import dev.lattice.modelserver.http.SseFrame;
import dev.lattice.modelserver.http.StreamFrames;
import dev.lattice.modelserver.http.WireJson;
import dev.lattice.modelserver.script.Chunking;
import dev.lattice.modelserver.script.ToolCall;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/** Anthropic's Messages API: {@code POST /v1/messages}. */
public final class AnthropicProtocol implements ProviderProtocol {

  private static final String VERSION_HEADER = "anthropic-version";
  private static final JsonNode EMPTY_INPUT = JsonNodeFactory.instance.objectNode();
  // Streamed input comes in small pieces, as a model generates it.
  private static final Chunking ARGUMENT_PIECES = Chunking.CHARS;
  private static final int ARGUMENT_PIECE_CHARS = 8;

  @Override
  public Protocol protocol() {
    return Protocol.ANTHROPIC;
  }

  @Override
  public boolean authorized(HttpRequest request, String apiKey) {
    return request.getHeader("x-api-key").map(HttpHeader::value).filter(apiKey::equals).isPresent();
  }

  @Override
  public ModelCall read(HttpRequest request, JsonNode body) {
    if (request.getHeader(VERSION_HEADER).isEmpty()) {
      throw rejected(VERSION_HEADER + ": header is required");
    }
    MessagesRequest messages = WireJson.read(body, MessagesRequest.class);
    if (messages.model() == null || messages.model().isBlank()) {
      throw rejected("model: Field required");
    }
    if (messages.maxTokens() == null) {
      throw rejected("max_tokens: Field required");
    }
    if (messages.messages() == null || messages.messages().isEmpty()) {
      throw rejected("messages: at least one message is required");
    }
    return AnthropicConversation.read(messages);
  }

  private static RequestRejected rejected(String message) {
    return new RequestRejected(ModelError.invalidRequest(message));
  }

  @Override
  public String completion(Answer answer, String id, Instant created) {
    return WireJson.write(
        message(
            id,
            answer,
            content(answer),
            answer.finishReason().anthropic(),
            answer.completionTokens()));
  }

  /** The answer's blocks: its text (unless it only calls tools), then a tool_use per call. */
  private static List<ContentBlock> content(Answer answer) {
    List<ContentBlock> blocks = new ArrayList<>();
    if (!answer.text().isEmpty() || answer.toolCalls().isEmpty()) {
      blocks.add(ContentBlock.text(answer.text()));
    }
    for (ToolCall call : answer.toolCalls()) {
      // Anthropic parses the input itself; arguments scripted as raw text go as a string.
      JsonNode input =
          call.arguments() != null ? call.arguments() : TextNode.valueOf(call.rawArguments());
      blocks.add(ContentBlock.toolUse(call.id(), call.name(), input));
    }
    return blocks;
  }

  private static Message message(
      String id, Answer answer, List<ContentBlock> content, String stopReason, int outputTokens) {
    return new Message(
        id,
        "message",
        "assistant",
        answer.model(),
        content,
        stopReason,
        null,
        // Anthropic counts cache reads apart: input_tokens is the part of the prompt not read
        // from the cache.
        new MessageUsage(
            Math.max(0, answer.promptTokens() - answer.cachedTokens()),
            outputTokens,
            answer.cachedTokens(),
            0));
  }

  @Override
  public StreamFrames stream(ModelCall call, Answer answer, String id, Instant created) {
    // As Anthropic does, message_start carries the input tokens and no output yet; the output
    // tokens come with message_delta.
    boolean hasText = !answer.text().isEmpty() || answer.toolCalls().isEmpty();
    List<SseFrame> opening = new ArrayList<>();
    opening.add(
        event(
            "message_start",
            new MessageStart("message_start", message(id, answer, List.of(), null, 0))));
    if (hasText) {
      opening.add(blockStart(0, ContentBlock.text("")));
    }
    List<SseFrame> tokens = new ArrayList<>();
    for (String token : answer.tokens()) {
      tokens.add(blockDelta(0, BlockDelta.text(token)));
    }
    List<SseFrame> closing = new ArrayList<>();
    if (answer.toolCalls().isEmpty()) {
      closing.add(blockStop(0));
    } else {
      // Tool calls follow the text as blocks of their own, their input in JSON pieces; they are
      // part of what is paced and cut like tokens.
      int index = 0;
      if (hasText) {
        tokens.add(blockStop(index++));
      }
      for (ToolCall toolCall : answer.toolCalls()) {
        tokens.add(
            blockStart(index, ContentBlock.toolUse(toolCall.id(), toolCall.name(), EMPTY_INPUT)));
        for (String piece : ARGUMENT_PIECES.split(toolCall.argumentsText(), ARGUMENT_PIECE_CHARS)) {
          tokens.add(blockDelta(index, BlockDelta.inputJson(piece)));
        }
        tokens.add(blockStop(index++));
      }
    }
    closing.add(
        event(
            "message_delta",
            new MessageDelta(
                "message_delta",
                new StopDelta(answer.finishReason().anthropic(), null),
                new DeltaUsage(answer.completionTokens()))));
    closing.add(event("message_stop", new MessageStop("message_stop")));
    return new StreamFrames(opening, tokens, closing);
  }

  private static SseFrame blockStart(int index, ContentBlock block) {
    return event("content_block_start", new ContentBlockStart("content_block_start", index, block));
  }

  private static SseFrame blockDelta(int index, BlockDelta delta) {
    return event("content_block_delta", new ContentBlockDelta("content_block_delta", index, delta));
  }

  private static SseFrame blockStop(int index) {
    return event("content_block_stop", new ContentBlockStop("content_block_stop", index));
  }

  private static SseFrame event(String name, Object data) {
    return SseFrame.named(name, WireJson.write(data));
  }

  @Override
  public String error(ModelError error) {
    String type =
        switch (error.kind()) {
          case INVALID_REQUEST, CONTEXT_LENGTH_EXCEEDED -> "invalid_request_error";
          case AUTHENTICATION -> "authentication_error";
          case PERMISSION -> "permission_error";
          case NOT_FOUND -> "not_found_error";
          case RATE_LIMITED -> "rate_limit_error";
          case SERVER_ERROR -> "api_error";
          case OVERLOADED -> "overloaded_error";
        };
    return WireJson.write(new ErrorBody("error", new ErrorDetail(type, error.message())));
  }

  @Override
  public List<HttpHeader> rateLimitHeaders(RateStatus status, Instant now) {
    List<HttpHeader> headers = new ArrayList<>();
    add(headers, "requests", status.requests(), now);
    add(headers, "tokens", status.tokens(), now);
    return headers;
  }

  /** Anthropic's resets are the time (RFC 3339) at which the limit is whole again. */
  private static void add(
      List<HttpHeader> headers,
      String what,
      Optional<RateStatus.Dimension> dimension,
      Instant now) {
    String prefix = "anthropic-ratelimit-" + what + "-";
    dimension.ifPresent(
        d -> {
          headers.add(RawHeader.create(prefix + "limit", Long.toString(d.limit())));
          headers.add(RawHeader.create(prefix + "remaining", Long.toString(d.remaining())));
          headers.add(RawHeader.create(prefix + "reset", now.plus(d.reset()).toString()));
        });
  }

  @Override
  public String newId() {
    return "msg_" + UUID.randomUUID().toString().replace("-", "");
  }
}
