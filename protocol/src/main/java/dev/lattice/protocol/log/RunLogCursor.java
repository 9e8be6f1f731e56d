package dev.lattice.protocol.log;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a page of a run's log ended. The log is read from two places, each a table whose rows hold
 * several entries: what agents and the run wrote, and the dispatchers' decisions (the audit trail).
 * A position in each is a row and how many of its entries were read (0 when all of them were), as
 * in the audit trail's own cursor. Clients see only the opaque text, {@code ROW.N.ROW.N}.
 *
 * @param logRow the last row of the written entries read from (0 before the first)
 * @param logRead how many of its entries were read; 0 when all of them were
 * @param decisionRow the last row of the decisions read from (0 before the first)
 * @param decisionRead how many of its entries were read; 0 when all of them were
 */
public record RunLogCursor(long logRow, int logRead, long decisionRow, int decisionRead) {
  private static final Pattern TEXT =
      Pattern.compile("(\\d{1,18})\\.(\\d{1,9})\\.(\\d{1,18})\\.(\\d{1,9})");

  /** The cursor before the first entry. */
  public static final RunLogCursor START = new RunLogCursor(0, 0, 0, 0);

  public RunLogCursor {
    if (logRow < 0 || logRead < 0 || decisionRow < 0 || decisionRead < 0) {
      throw new IllegalArgumentException("a cursor's positions are never negative");
    }
  }

  /** The cursor {@code text} (a page's {@code next}); rejects anything a page never returned. */
  public static RunLogCursor parse(String text) {
    Matcher m = TEXT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "after must be the 'next' cursor of a previous page, was '" + text + "'");
    }
    return new RunLogCursor(
        Long.parseLong(m.group(1)),
        Integer.parseInt(m.group(2)),
        Long.parseLong(m.group(3)),
        Integer.parseInt(m.group(4)));
  }

  /** The text a page returns as its {@code next}. */
  public String text() {
    return logRow + "." + logRead + "." + decisionRow + "." + decisionRead;
  }
}
