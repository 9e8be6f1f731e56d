package dev.lattice.worker.action.llm;

import com.typesafe.config.Config;
import dev.lattice.protocol.session.MemoryPolicy;

/**
 * The {@code lattice.llm.sessions} settings: the memory of a session step that gives none (or only
 * part of one), the most messages a step may keep, and how summaries are asked for.
 *
 * @param policy the policy of a step that names none
 * @param maxMessages the {@code maxMessages} of a step that gives none
 * @param keepMessages the {@code keepMessages} of a summarising step that gives none (cut to its
 *     {@code maxMessages} - 1)
 * @param maxMessagesLimit the most {@code maxMessages} a step may ask for
 * @param summarySystem the system prompt of a summary's call
 * @param summaryMaxTokens the most tokens a summary may take
 * @param summaryPreamble what goes before a summary when it is sent with a later call
 */
public record SessionSettings(
    MemoryPolicy.Kind policy,
    int maxMessages,
    int keepMessages,
    int maxMessagesLimit,
    String summarySystem,
    int summaryMaxTokens,
    String summaryPreamble) {

  public SessionSettings {
    if (maxMessages < 1
        || maxMessages > maxMessagesLimit
        || keepMessages < 0
        || summaryMaxTokens < 1) {
      throw new IllegalArgumentException(
          "lattice.llm.sessions: need 1 <= max-messages <= max-messages-limit,"
              + " keep-messages >= 0 and summary.max-tokens >= 1");
    }
  }

  /** Reads {@code c}, the {@code lattice.llm.sessions} section. */
  static SessionSettings create(Config c) {
    return new SessionSettings(
        MemoryPolicy.Kind.fromWire(c.getString("policy")),
        c.getInt("max-messages"),
        c.getInt("keep-messages"),
        c.getInt("max-messages-limit"),
        c.getString("summary.system"),
        c.getInt("summary.max-tokens"),
        c.getString("summary.preamble"));
  }
}
