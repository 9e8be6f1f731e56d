package dev.lattice.orchestrator.http.auth;

/** What a principal may do, each granted by some of the {@link Role}s. */
public enum Permission {
  /** Read the runs, events, audit, sessions and usage of the tenants it sees; list agents. */
  READ,
  /** Plan and start runs (execute, invoke an agent, call an MCP tool). */
  SUBMIT,
  /** Pause, resume, cancel, signal, override or retry a step; forget a session. */
  INTERVENE,
  /** Create, list, expire and revoke API keys. */
  MANAGE_KEYS,
  /** See the node and its cluster ({@code /api/v1/state}): members, shards, every queue. */
  VIEW_CLUSTER
}
