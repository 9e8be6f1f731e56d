package dev.lattice.modelserver.http;

import dev.lattice.modelserver.script.Turn;

/**
 * What the server needs of a model request, whichever protocol it came in.
 *
 * @param model the model the request names
 * @param lastUserMessage the text of the last user message, which script matches look at
 * @param prompt all the prompt's text (system prompt, tool definitions, tool calls and results
 *     included), from which usage is estimated
 * @param stream whether the answer is streamed
 * @param includeUsage whether a streamed OpenAI answer ends with a usage chunk
 * @param lastRole the role of the last message, {@code tool} when it carries tool results
 * @param lastToolResult the content of the last tool result; empty if none
 */
public record ModelCall(
    String model,
    String lastUserMessage,
    String prompt,
    boolean stream,
    boolean includeUsage,
    String lastRole,
    String lastToolResult) {

  /** What script matches look at. */
  public Turn turn() {
    return new Turn(model, lastRole, lastUserMessage, lastToolResult);
  }
}
