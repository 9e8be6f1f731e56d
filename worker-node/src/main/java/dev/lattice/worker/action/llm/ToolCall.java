package dev.lattice.worker.action.llm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A call of a tool, as a model asked for it.
 *
 * @param id the provider's id of the call, which its result refers to
 * @param name the tool called
 * @param arguments the arguments, a JSON object; null when the model's text of them is not one
 * @param rawArguments the model's text of the arguments when they are not a JSON object, else null
 */
public record ToolCall(String id, String name, JsonNode arguments, String rawArguments) {

  /**
   * The call of {@code name} whose arguments the model wrote as {@code text}. Text that is not a
   * JSON object is kept as it was, for the model to be told; an empty text is no arguments.
   */
  static ToolCall parsed(String id, String name, String text) {
    if (text == null || text.isBlank()) {
      return new ToolCall(id, name, WireJson.mapper().createObjectNode(), null);
    }
    JsonNode read = WireJson.parseOrMissing(text);
    return read.isObject()
        ? new ToolCall(id, name, read, null)
        : new ToolCall(id, name, null, text);
  }

  /** The arguments' text as sent back to a provider: the object's JSON, else the model's text. */
  String argumentsText() {
    return arguments != null ? arguments.toString() : rawArguments == null ? "{}" : rawArguments;
  }
}
