package dev.lattice.modelserver.http;

/**
 * What the server needs of a model request, whichever protocol it came in.
 *
 * @param model the model the request names
 * @param lastUserMessage the text of the last user message, which script matches look at
 * @param prompt all the prompt's text (system prompt included), from which usage is estimated
 * @param stream whether the answer is streamed
 * @param includeUsage whether a streamed OpenAI answer ends with a usage chunk
 */
public record ModelCall(
    String model, String lastUserMessage, String prompt, boolean stream, boolean includeUsage) {}
