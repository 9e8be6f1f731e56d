package dev.lattice.protocol.api;

import dev.lattice.protocol.run.RunStatus;
import java.util.List;
import java.util.Map;

/**
 * A node's view of itself and of the cluster.
 *
 * @param node this node's cluster address
 * @param roles this node's roles
 * @param members every cluster member, as {@code address [roles] status} (kept for clients that
 *     read it; {@code cluster} has the same and more)
 * @param agents every worker agent registered in the cluster
 * @param queues the dispatcher queues hosted on this node
 * @param runs how many runs are in each status (statuses without runs are absent)
 * @param eventStreams event streams of runs open on this node (each one a follower of its run)
 * @param cluster every member with its name, roles, status and reachability, and the shards each
 *     hosts; absent from nodes older than this field
 */
public record NodeState(
    String node,
    List<String> roles,
    List<String> members,
    List<AgentView> agents,
    List<QueueView> queues,
    Map<RunStatus, Long> runs,
    int eventStreams,
    ClusterView cluster) {

  /** A state without the cluster view, as nodes before it reported. */
  public NodeState(
      String node,
      List<String> roles,
      List<String> members,
      List<AgentView> agents,
      List<QueueView> queues,
      Map<RunStatus, Long> runs,
      int eventStreams) {
    this(node, roles, members, agents, queues, runs, eventStreams, null);
  }
}
