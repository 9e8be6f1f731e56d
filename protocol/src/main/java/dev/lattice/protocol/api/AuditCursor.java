package dev.lattice.protocol.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a page of one dispatcher's decisions ended, as the audit trail stores them: a row holds one
 * run's entries from one write, so a page can end inside a row. Clients see it only as the opaque
 * {@code next} text: {@code ROW} when the page ended with that row's last entry, {@code ROW.N} when
 * it ended after the row's first {@code N} entries.
 *
 * @param row the position of the last row read from (0 before the first)
 * @param entriesRead how many of that row's entries were read; 0 when all of them were
 */
public record AuditCursor(long row, int entriesRead) {
  private static final Pattern TEXT = Pattern.compile("(\\d{1,18})(?:\\.(\\d{1,9}))?");

  /** The cursor before the first entry. */
  public static final AuditCursor START = new AuditCursor(0, 0);

  public AuditCursor {
    if (row < 0 || entriesRead < 0) {
      throw new IllegalArgumentException("a cursor's row and entries read are never negative");
    }
  }

  /** The cursor {@code text} (a page's {@code next}); rejects anything a page never returned. */
  public static AuditCursor parse(String text) {
    Matcher m = TEXT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "after must be the 'next' cursor of a previous page, was '" + text + "'");
    }
    return new AuditCursor(
        Long.parseLong(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
  }

  /** The text a page returns as its {@code next}. */
  public String text() {
    return entriesRead == 0 ? Long.toString(row) : row + "." + entriesRead;
  }
}
