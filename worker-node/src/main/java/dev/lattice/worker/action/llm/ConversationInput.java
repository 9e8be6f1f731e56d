package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the conversation part of an llm step's input: {@code messages} (or {@code prompt}), {@code
 * tools} and {@code toolChoice}. Anything malformed fails as {@code invalid_input}, saying what is
 * wrong, before any call.
 */
final class ConversationInput {
  // What OpenAI and Anthropic both accept as a tool's name.
  private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
  private static final Set<String> TEXT_ROLES =
      Set.of(ChatMessage.SYSTEM, ChatMessage.USER, ChatMessage.ASSISTANT);
  private static final Set<String> TOOL_CHOICES =
      Set.of(LlmCall.TOOL_CHOICE_AUTO, LlmCall.TOOL_CHOICE_NONE, LlmCall.TOOL_CHOICE_REQUIRED);
  private static final String SHAPES =
      "each message is {role: system|user|assistant, content: text}, an assistant's"
          + " {role: assistant, content?: text, toolCalls: [{id, name, arguments: {...}}]}, or a"
          + " tool result {role: tool, toolCallId, name?, content, isError?}";

  private ConversationInput() {}

  /** The conversation: {@code messages}, or {@code prompt} as one user message. */
  static List<ChatMessage> messages(JsonNode messages, String prompt) {
    if ((messages == null) == (prompt == null)) {
      throw invalid("give exactly one of 'messages' (a list of {role, content}) and 'prompt'");
    }
    if (prompt != null) {
      return List.of(new ChatMessage(ChatMessage.USER, prompt));
    }
    if (!messages.isArray() || messages.isEmpty()) {
      throw invalid("'messages' must be a non-empty list of {role, content}");
    }
    List<ChatMessage> read = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      read.add(message(messages.get(i), i));
    }
    return read;
  }

  private static ChatMessage message(JsonNode message, int index) {
    String where = "messages[" + index + "]";
    if (!message.isObject() || !message.path("role").isTextual()) {
      throw invalid(where + " has no role; " + SHAPES + "; got " + message);
    }
    String role = message.get("role").asText();
    JsonNode content = present(message, "content");
    if (ChatMessage.TOOL.equals(role)) {
      return toolResult(message, content, where);
    }
    if (!TEXT_ROLES.contains(role)) {
      throw invalid(where + " has the unknown role '" + role + "'; " + SHAPES);
    }
    JsonNode calls = present(message, "toolCalls");
    if (calls == null) {
      if (content == null || !content.isTextual()) {
        throw invalid(where + " needs a text content; " + SHAPES + "; got " + message);
      }
      return new ChatMessage(role, content.asText());
    }
    if (!ChatMessage.ASSISTANT.equals(role)) {
      throw invalid(where + ": only an assistant message may carry toolCalls");
    }
    if (content != null && !content.isTextual()) {
      throw invalid(where + ": an assistant's content must be text");
    }
    if (!calls.isArray() || calls.isEmpty()) {
      throw invalid(where + ": 'toolCalls' must be a non-empty list of {id, name, arguments}");
    }
    List<ToolCall> read = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      read.add(toolCall(calls.get(i), where + ".toolCalls[" + i + "]"));
    }
    return ChatMessage.toolCalling(content == null ? "" : content.asText(), read);
  }

  private static ToolCall toolCall(JsonNode call, String where) {
    String id = requiredText(call, "id", where);
    String name = requiredText(call, "name", where);
    JsonNode arguments = present(call, "arguments");
    JsonNode raw = present(call, "rawArguments");
    if (arguments != null && !arguments.isObject()) {
      throw invalid(where + ": 'arguments' must be a JSON object");
    }
    if (raw != null && !raw.isTextual()) {
      throw invalid(where + ": 'rawArguments' must be text");
    }
    if (arguments == null && raw == null) {
      throw invalid(where + " needs 'arguments' (a JSON object) or 'rawArguments' (text)");
    }
    return arguments != null
        ? new ToolCall(id, name, arguments, null)
        : new ToolCall(id, name, null, raw.asText());
  }

  private static ChatMessage toolResult(JsonNode message, JsonNode content, String where) {
    String callId = requiredText(message, "toolCallId", where);
    JsonNode name = present(message, "name");
    if (name != null && !name.isTextual()) {
      throw invalid(where + ": a tool result's 'name' must be text");
    }
    if (!message.has("content")) {
      throw invalid(where + ": a tool result needs a 'content' (text or any JSON)");
    }
    JsonNode error = present(message, "isError");
    if (error != null && !error.isBoolean()) {
      throw invalid(where + ": 'isError' must be true or false");
    }
    // Any JSON is a result; the model is given its compact text.
    String text =
        content == null ? "null" : content.isTextual() ? content.asText() : content.toString();
    return ChatMessage.toolResult(
        callId, name == null ? null : name.asText(), text, error != null && error.asBoolean());
  }

  /** The tools offered to the model; empty when the input has none. */
  static List<OfferedTool> tools(JsonNode tools) {
    if (tools == null) {
      return List.of();
    }
    if (!tools.isArray()) {
      throw invalid("'tools' must be a list of {name, description, parameters}");
    }
    List<OfferedTool> read = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < tools.size(); i++) {
      JsonNode tool = tools.get(i);
      String where = "tools[" + i + "]";
      if (!tool.isObject()) {
        throw invalid(where + " must be an object {name, description, parameters}");
      }
      String name = requiredText(tool, "name", where);
      if (!TOOL_NAME.matcher(name).matches()) {
        throw invalid(where + ": the name '" + name + "' must match [a-zA-Z0-9_-]{1,64}");
      }
      if (!names.add(name)) {
        throw invalid(where + ": the tool '" + name + "' is offered twice");
      }
      JsonNode description = present(tool, "description");
      if (description != null && !description.isTextual()) {
        throw invalid(where + ": 'description' must be text");
      }
      JsonNode parameters = present(tool, "parameters");
      if (parameters != null && !parameters.isObject()) {
        throw invalid(where + ": 'parameters' must be a JSON Schema object");
      }
      read.add(
          new OfferedTool(
              name,
              description == null ? null : description.asText(),
              // Anthropic needs a schema; a tool without one takes no arguments.
              parameters != null ? parameters : noArguments()));
    }
    return read;
  }

  /** The step's {@code toolChoice}: null when absent. */
  static String toolChoice(JsonNode choice) {
    if (choice == null) {
      return null;
    }
    if (!choice.isTextual() || !TOOL_CHOICES.contains(choice.asText())) {
      throw invalid("'toolChoice' must be one of auto, none, required");
    }
    return choice.asText();
  }

  private static JsonNode noArguments() {
    var schema = WireJson.mapper().createObjectNode().put("type", "object");
    schema.putObject("properties");
    return schema;
  }

  private static String requiredText(JsonNode node, String field, String where) {
    JsonNode value = present(node, field);
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      throw invalid(where + " needs a non-empty text '" + field + "'; got " + node);
    }
    return value.asText();
  }

  /** The value of {@code field}, null when absent or null. */
  private static JsonNode present(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value;
  }

  private static ActionException invalid(String message) {
    return new ActionException(ErrorClass.INVALID_INPUT, message);
  }
}
