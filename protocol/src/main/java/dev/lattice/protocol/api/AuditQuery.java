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
    if (after != null) {
      AuditCursor.parse(after);
    }
  }

  /** Where the page starts: after {@link #after()}, or at the first entry. */
  public AuditCursor cursor() {
    return after == null ? AuditCursor.START : AuditCursor.parse(after);
  }
}
