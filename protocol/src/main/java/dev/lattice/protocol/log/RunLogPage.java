package dev.lattice.protocol.log;

import java.util.List;
import java.util.Objects;

/**
 * A page of a run's log, oldest first.
 *
 * @param entries the entries of this page
 * @param next where the page ended: the {@code after} of the next page. Always there, so that a
 *     follower asks again from it for what comes later
 * @param more whether more entries are there already; when false, the next page holds only what is
 *     written from now on
 */
public record RunLogPage(List<RunLogEntry> entries, String next, boolean more) {
  public RunLogPage {
    entries = List.copyOf(entries);
    Objects.requireNonNull(next, "next");
  }
}
