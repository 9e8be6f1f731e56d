package dev.lattice.protocol.log;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** How much an entry of a run's log matters, least first; the wire names are lower case. */
public enum LogLevel {
  /** Routine detail: a dispatcher's queueing and budget bookkeeping, a run's start. */
  DEBUG("debug", 10),
  /** What happened: an agent's output, a dispatch, a retry scheduled. */
  INFO("info", 20),
  /** Something went wrong and was handled: an answer repaired, an attempt failed and retried. */
  WARN("warn", 30),
  /** Something went wrong for good: a run failed, a policy denied a step. */
  ERROR("error", 40);

  private final String wire;
  private final int severity;

  LogLevel(String wire, int severity) {
    this.wire = wire;
    this.severity = severity;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  /** A number that grows with the level, as stored (so that a level filter is a comparison). */
  public int severity() {
    return severity;
  }

  /** Whether this level is {@code least} or above it. */
  public boolean atLeast(LogLevel least) {
    return severity >= least.severity;
  }

  @JsonCreator
  public static LogLevel fromWire(String wire) {
    return Arrays.stream(values())
        .filter(level -> level.wire.equals(wire))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown level '" + wire + "'; one of debug, info, warn, error"));
  }

  /** The level stored as {@code severity}. */
  public static LogLevel ofSeverity(int severity) {
    for (LogLevel level : values()) {
      if (level.severity == severity) {
        return level;
      }
    }
    throw new IllegalArgumentException("no level has the severity " + severity);
  }
}
