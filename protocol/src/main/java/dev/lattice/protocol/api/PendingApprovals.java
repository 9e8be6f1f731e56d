package dev.lattice.protocol.api;

import java.util.List;

/**
 * The steps waiting for a signal across runs, newest run first.
 *
 * @param approvals the waiting steps
 * @param runsScanned unfinished runs looked at
 * @param complete whether every unfinished run was looked at; false when there were more than the
 *     most a query looks at
 */
public record PendingApprovals(List<PendingApproval> approvals, int runsScanned, boolean complete) {
  public PendingApprovals {
    approvals = List.copyOf(approvals);
  }
}
