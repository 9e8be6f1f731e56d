package dev.lattice.protocol.log;

import dev.lattice.protocol.CborSerializable;
import java.time.Instant;
import java.util.Objects;

/**
 * One line an agent wrote to its run's log while it ran an attempt: a line of a command's output, a
 * warning of the action, a line the embedding application's action wrote.
 *
 * @param at when it was written
 * @param level how much it matters
 * @param message the line, without its line break
 */
public record LogLine(Instant at, LogLevel level, String message) implements CborSerializable {
  public LogLine {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(level, "level");
    message = Objects.requireNonNullElse(message, "");
  }
}
