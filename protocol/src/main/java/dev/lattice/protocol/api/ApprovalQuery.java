package dev.lattice.protocol.api;

import dev.lattice.protocol.ids.TenantId;

/**
 * Which waiting steps to list.
 *
 * @param tenant only runs of this tenant, or {@code null} for any
 * @param maxRuns the most unfinished runs to look at, newest first
 */
public record ApprovalQuery(TenantId tenant, int maxRuns) {
  public ApprovalQuery {
    if (maxRuns < 1) {
      throw new IllegalArgumentException("maxRuns must be at least 1, was " + maxRuns);
    }
  }
}
