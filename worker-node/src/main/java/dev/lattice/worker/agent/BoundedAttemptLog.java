package dev.lattice.worker.agent;

import dev.lattice.protocol.agent.RejectedOutput;
import dev.lattice.protocol.log.LogLevel;
import dev.lattice.protocol.log.LogLine;
import dev.lattice.worker.action.AttemptLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The log of one running attempt, held to its {@link RunLogLimits}: lines past the limits are
 * counted, and when the attempt ends one more line (a warning) says how many were left out, so a
 * chatty command costs its run a bounded share of the log. Written from the action's threads, taken
 * once on the agent's: synchronized, and writes after it was taken are dropped.
 */
final class BoundedAttemptLog implements AttemptLog {
  private static final String CUT = "…";

  private final RunLogLimits limits;
  private final Clock clock;
  private final List<LogLine> lines = new ArrayList<>();
  private long bytes;
  private int dropped;
  private boolean taken;

  BoundedAttemptLog(RunLogLimits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
  }

  @Override
  public synchronized void write(LogLevel level, String message) {
    if (!taken) {
      add(level, message);
    }
  }

  private void add(LogLevel level, String message) {
    String text = message == null ? "" : message;
    if (text.length() > limits.maxLineChars()) {
      text = text.substring(0, limits.maxLineChars()) + CUT;
    }
    long size = utf8Length(text);
    if (lines.size() >= limits.maxLines() || bytes + size > limits.maxBytes()) {
      dropped++;
      return;
    }
    bytes += size;
    lines.add(new LogLine(clock.instant(), level, text));
  }

  /**
   * The lines written, then a warning for each output the action rejected (a model's answer that
   * was not the JSON asked for, {@code rejected}), then the count of lines left out, if any. Later
   * writes are dropped.
   */
  synchronized List<LogLine> take(List<RejectedOutput> rejected) {
    for (RejectedOutput output : rejected) {
      add(LogLevel.WARN, rejectedLine(output));
    }
    taken = true;
    List<LogLine> all = new ArrayList<>(lines);
    if (dropped > 0) {
      // Past the limits on purpose: the reader must learn that lines are missing.
      all.add(
          new LogLine(
              clock.instant(),
              LogLevel.WARN,
              "truncated "
                  + dropped
                  + (dropped == 1 ? " line" : " lines")
                  + " (lattice.worker.run-log: at most "
                  + limits.maxLines()
                  + " lines and "
                  + limits.maxBytes()
                  + " bytes per attempt)"));
    }
    lines.clear();
    return all;
  }

  /** The length of {@code text} in UTF-8, without encoding it. */
  static long utf8Length(String text) {
    long length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        length += 4;
        i++;
      } else {
        length += 3;
      }
    }
    return length;
  }

  private static String rejectedLine(RejectedOutput output) {
    StringBuilder line =
        new StringBuilder("answer of try ")
            .append(output.tryNumber())
            .append(" rejected (not the JSON asked for): ");
    line.append(String.join("; ", output.errors()));
    if (output.omittedErrors() > 0) {
      line.append(" (and ").append(output.omittedErrors()).append(" more)");
    }
    return line.toString();
  }
}
