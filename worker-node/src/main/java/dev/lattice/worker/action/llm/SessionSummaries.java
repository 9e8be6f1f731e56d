package dev.lattice.worker.action.llm;

import java.util.List;

/**
 * The call that writes a session's summary: the step's provider and model, the summary's system
 * prompt ({@code lattice.llm.sessions.summary}), and one user message with the earlier summary and
 * the messages it replaces, each after its role.
 */
final class SessionSummaries {
  private SessionSummaries() {}

  /**
   * The call that summarises what {@code window} asks to, for the step whose call is {@code step}.
   */
  static LlmCall call(LlmCall step, SessionWindow window, SessionSettings settings) {
    return new LlmCall(
        step.provider(),
        step.model(),
        settings.summarySystem(),
        List.of(new ChatMessage(ChatMessage.USER, transcript(window))),
        step.temperature(),
        settings.summaryMaxTokens(),
        List.of(),
        null,
        CallResolver.DEFAULT_SCHEMA_NAME,
        0,
        false,
        List.of(),
        null);
  }

  /** The earlier summary and the messages to summarise, as one text. */
  static String transcript(SessionWindow window) {
    StringBuilder text = new StringBuilder();
    if (window.summary() != null) {
      text.append("Summary so far:\n").append(window.summary()).append("\n\n");
    }
    text.append("Conversation:\n");
    for (SessionWindow.Message message : window.toSummarise()) {
      text.append(message.role()).append(": ").append(message.content()).append('\n');
    }
    return text.toString();
  }
}
