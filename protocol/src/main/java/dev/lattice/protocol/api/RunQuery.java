package dev.lattice.protocol.api;

import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.run.RunStatus;

/**
 * Which runs to list: every filter is optional; pages follow the run id order, newest first.
 *
 * @param status only runs in this status, or {@code null} for any
 * @param tenant only runs of this tenant, or {@code null} for any
 * @param after the cursor of the previous page ({@link RunPage#next()}), or {@code null} for the
 *     first page
 * @param limit the most runs in the page
 */
public record RunQuery(RunStatus status, TenantId tenant, String after, int limit) {
  public RunQuery {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
  }
}
