package dev.lattice.protocol.api;

import dev.lattice.protocol.ids.BusKey;
import java.util.Objects;

/**
 * Which decisions of one executor-dispatcher to read: a page of them in the order they were
 * recorded.
 *
 * @param busKey the dispatcher
 * @param after the cursor of the previous page ({@link AuditPage#next()}), or {@code null} for the
 *     first page
 * @param limit the most entries in the page
 */
public record AuditQuery(BusKey busKey, String after, int limit) {
  public AuditQuery {
    Objects.requireNonNull(busKey, "busKey");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    if (after != null && !after.matches("\\d{1,18}")) {
      throw new IllegalArgumentException(
          "after must be the 'next' cursor of a previous page, was '" + after + "'");
    }
  }

  /** The position after which the page starts (0 for the first page). */
  public long afterPosition() {
    return after == null ? 0 : Long.parseLong(after);
  }
}
