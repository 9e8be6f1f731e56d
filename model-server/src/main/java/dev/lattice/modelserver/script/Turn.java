package dev.lattice.modelserver.script;

/**
 * What a script's matches look at in a request, whichever protocol it came in.
 *
 * @param model the model the request names
 * @param lastRole the role of its last message: {@code user}, {@code assistant}, or {@code tool}
 *     when it carries tool results (an OpenAI {@code tool} message; an Anthropic user turn of
 *     {@code tool_result} blocks without text)
 * @param lastUserMessage the text of the last user message (tool results are not one); empty if
 *     none
 * @param lastToolResult the content of the last tool result as text; empty if none
 */
public record Turn(String model, String lastRole, String lastUserMessage, String lastToolResult) {
  public static final String USER = "user";
  public static final String TOOL = "tool";

  /** A request for {@code model} whose last message is the user's {@code text}. */
  public static Turn user(String model, String text) {
    return new Turn(model, USER, text, "");
  }
}
