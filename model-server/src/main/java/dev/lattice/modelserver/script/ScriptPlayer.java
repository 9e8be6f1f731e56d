package dev.lattice.modelserver.script;

import java.util.List;
import java.util.Optional;

/**
 * Picks the entry that answers a request and counts what each entry has answered. Thread-safe:
 * requests arrive on several connections at once.
 *
 * <p>The first entry in the script that accepts the request and has answers left answers it. So
 * entries without a match answer in order, each {@code times} times, and a matched entry with
 * {@code times} gives way to a later entry with the same match ("fail twice, then succeed").
 */
public final class ScriptPlayer {

  /** How much of a user message an error quotes: enough to recognise it, not a whole prompt. */
  private static final int QUOTED_CHARS = 200;

  private final List<ScriptEntry> entries;
  private final int[] answered;

  public ScriptPlayer(Script script) {
    this.entries = script.entries();
    this.answered = new int[entries.size()];
  }

  /** The entry answering a request for {@code model} whose last user message is {@code text}. */
  public Optional<ScriptEntry> next(String model, String text) {
    return next(Turn.user(model, text));
  }

  /** The entry answering a request of {@code turn}. */
  public synchronized Optional<ScriptEntry> next(Turn turn) {
    for (int i = 0; i < entries.size(); i++) {
      ScriptEntry entry = entries.get(i);
      boolean accepts = entry.match() == null || entry.match().accepts(turn);
      if (accepts && answered[i] < entry.answers()) {
        answered[i]++;
        return Optional.of(entry);
      }
    }
    return Optional.empty();
  }

  /** Why no entry answered a request, for the error a test will read. */
  public synchronized String whyNoEntry(Turn turn) {
    if (entries.isEmpty()) {
      return "the script has no entries";
    }
    boolean anyAccepts =
        entries.stream().anyMatch(e -> e.match() == null || e.match().accepts(turn));
    String request =
        "model '"
            + turn.model()
            + "', last message by "
            + turn.lastRole()
            + " and last user message '"
            + abbreviate(turn.lastUserMessage())
            + "'"
            + (turn.lastToolResult().isEmpty()
                ? ""
                : " and last tool result '" + abbreviate(turn.lastToolResult()) + "'");
    return anyAccepts
        ? "every script entry for a request with " + request + " has answered all its times"
        : "no script entry matches a request with " + request;
  }

  private static String abbreviate(String text) {
    return text.length() <= QUOTED_CHARS ? text : text.substring(0, QUOTED_CHARS) + "...";
  }
}
