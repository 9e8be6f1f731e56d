package dev.lattice.protocol.session;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.lattice.protocol.CborSerializable;
import java.util.Locale;
import java.util.Objects;

/**
 * How a session stays bounded. {@code window}: it keeps its last {@code maxMessages} messages and
 * forgets older ones. {@code summary}: once it holds more than {@code maxMessages}, the older ones
 * (all but the last {@code keepMessages}) are replaced by a summary a model writes, which goes with
 * every later call.
 *
 * @param policy which of the two
 * @param maxMessages the most messages kept (window) or held before a summary is written (summary)
 * @param keepMessages for {@code summary}, the recent messages a summary leaves as they are; 0 for
 *     {@code window}
 */
public record MemoryPolicy(
    Kind policy, int maxMessages, @JsonInclude(JsonInclude.Include.NON_DEFAULT) int keepMessages)
    implements CborSerializable {

  /** The two policies. */
  public enum Kind {
    WINDOW,
    SUMMARY;

    @JsonValue
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Kind fromWire(String wire) {
      for (Kind kind : values()) {
        if (kind.wire().equals(wire)) {
          return kind;
        }
      }
      throw new IllegalArgumentException(
          "unknown memory policy '" + wire + "'; one of window, summary");
    }
  }

  public MemoryPolicy {
    Objects.requireNonNull(policy, "policy");
    if (maxMessages < 1) {
      throw new IllegalArgumentException("maxMessages must be at least 1");
    }
    if (policy == Kind.WINDOW && keepMessages != 0) {
      throw new IllegalArgumentException("keepMessages applies to the summary policy only");
    }
    if (keepMessages < 0 || keepMessages >= maxMessages) {
      throw new IllegalArgumentException(
          "keepMessages must be from 0 to maxMessages - 1 (" + (maxMessages - 1) + ")");
    }
  }

  /** Keep the last {@code maxMessages}. */
  public static MemoryPolicy window(int maxMessages) {
    return new MemoryPolicy(Kind.WINDOW, maxMessages, 0);
  }

  /** Summarise all but the last {@code keepMessages} once there are more than {@code max}. */
  public static MemoryPolicy summary(int max, int keepMessages) {
    return new MemoryPolicy(Kind.SUMMARY, max, keepMessages);
  }

  public boolean summarises() {
    return policy == Kind.SUMMARY;
  }
}
