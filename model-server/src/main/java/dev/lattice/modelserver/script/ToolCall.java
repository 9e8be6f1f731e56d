package dev.lattice.modelserver.script;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A tool call a script entry answers with.
 *
 * @param id the call's id; absent, the server numbers its calls {@code call_1}, {@code call_2}, ...
 * @param name the tool called
 * @param arguments the arguments, a JSON object
 * @param rawArguments instead of {@code arguments}: the arguments' text as sent, which need not be
 *     JSON (to show a client a model that garbles them)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolCall(String id, String name, JsonNode arguments, String rawArguments) {

  public ToolCall {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a tool call needs a name");
    }
    if ((arguments == null) == (rawArguments == null)) {
      throw new IllegalArgumentException(
          "a tool call has arguments (a JSON object) or rawArguments (text), exactly one");
    }
    if (arguments != null && !arguments.isObject()) {
      throw new IllegalArgumentException("a tool call's arguments must be a JSON object");
    }
  }

  /** A call of {@code name} with {@code arguments}, its id given by the server. */
  public static ToolCall of(String name, JsonNode arguments) {
    return new ToolCall(null, name, arguments, null);
  }

  /** A call of {@code name} whose arguments are {@code text}, as sent, JSON or not. */
  public static ToolCall raw(String name, String text) {
    return new ToolCall(null, name, null, text);
  }

  public ToolCall withId(String callId) {
    return new ToolCall(callId, name, arguments, rawArguments);
  }

  /** The arguments' text as a provider sends it. */
  public String argumentsText() {
    return arguments != null ? arguments.toString() : rawArguments;
  }
}
