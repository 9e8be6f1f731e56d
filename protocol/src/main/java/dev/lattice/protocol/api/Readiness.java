package dev.lattice.protocol.api;

import java.util.List;

/**
 * Whether a node is ready to take work: it is an up member of its cluster, its shard regions are
 * registered with their coordinators (so it can host and route runs, dispatchers and ledgers), and
 * its journal answers.
 *
 * @param checks each check, in that order
 */
public record Readiness(List<ReadinessCheck> checks) {

  public Readiness {
    checks = List.copyOf(checks);
  }

  /** Whether every check passed. */
  public boolean ready() {
    return checks.stream().allMatch(ReadinessCheck::ok);
  }

  /** The checks that failed, as {@code name: detail; ...}. */
  public String failures() {
    return String.join(
        "; ", checks.stream().filter(c -> !c.ok()).map(c -> c.name() + ": " + c.detail()).toList());
  }
}
