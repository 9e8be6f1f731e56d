package dev.lattice.protocol.agent;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/**
 * What repeating a call of a tool means. A call whose outcome is unknown (its node died after the
 * call left and before its result was recorded) is retried with the same effect key when its tool
 * is {@link #IDEMPOTENT} or {@link #KEYED}; an {@link #UNSAFE} one waits for a person instead.
 */
public enum ToolEffect {
  /** Safe to repeat: it reads, or setting the same thing twice changes nothing. */
  IDEMPOTENT,
  /** The target deduplicates by the effect key the call carries. */
  KEYED,
  /** Repeating it may apply it twice. */
  UNSAFE;

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a call of unknown outcome may be sent again with the same key. */
  public boolean repeatable() {
    return this != UNSAFE;
  }

  @JsonCreator
  public static ToolEffect fromWire(String wire) {
    return Arrays.stream(values())
        .filter(e -> e.wire().equals(wire))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown tool effect '"
                        + wire
                        + "'; expected one of "
                        + Arrays.stream(values()).map(ToolEffect::wire).toList()));
  }
}
