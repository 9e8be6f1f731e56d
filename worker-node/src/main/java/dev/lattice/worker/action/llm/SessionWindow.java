package dev.lattice.worker.action.llm;

import java.util.ArrayList;
import java.util.List;

/**
 * What a session gives a step that continues it, before its call.
 *
 * @param answered the answer the session already holds for the step (an earlier attempt of it
 *     appended its exchange): the step answers with it and calls no model; null otherwise
 * @param summary the session's summary; null when it has none
 * @param summaryCovers the messages the summary stands for: those whose {@code seq} is below this
 *     (0 without a summary)
 * @param messages the messages to send before the step's own, oldest first
 * @param summariseBefore when the summary policy asks for a new summary: the messages whose {@code
 *     seq} is below this are to be summarised (with the summary); 0 when none is due
 */
public record SessionWindow(
    Answer answered,
    String summary,
    long summaryCovers,
    List<Message> messages,
    long summariseBefore) {

  public SessionWindow {
    messages = List.copyOf(messages);
  }

  /**
   * A message of the session: its place, its role ({@code user} or {@code assistant}), its text.
   */
  public record Message(long seq, String role, String content) {}

  /** An answer the session holds, as a step answers with it. */
  public record Answer(String text, String model, String finishReason) {}

  /** Whether a summary must be written before the call. */
  public boolean summaryDue() {
    return summariseBefore > summaryCovers;
  }

  /** The messages a new summary replaces. */
  List<Message> toSummarise() {
    return messages.stream().filter(m -> m.seq() < summariseBefore).toList();
  }

  /** This window once {@code text} summarises every message before {@link #summariseBefore}. */
  SessionWindow summarisedAs(String text) {
    return new SessionWindow(
        answered,
        text,
        summariseBefore,
        messages.stream().filter(m -> m.seq() >= summariseBefore).toList(),
        0);
  }

  /** What the call sends before the step's own messages: the summary, then the messages. */
  List<ChatMessage> history(String summaryPreamble) {
    List<ChatMessage> history = new ArrayList<>();
    if (summary != null) {
      history.add(new ChatMessage(ChatMessage.SYSTEM, summaryPreamble + "\n" + summary));
    }
    messages.forEach(m -> history.add(new ChatMessage(m.role(), m.content())));
    return history;
  }
}
