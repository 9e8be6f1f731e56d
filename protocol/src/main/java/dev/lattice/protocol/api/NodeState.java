package dev.lattice.protocol.api;

import java.util.List;

/**
 * A node's view of itself and of the cluster.
 *
 * @param node this node's cluster address
 * @param roles this node's roles
 * @param members every cluster member, as {@code address [roles] status}
 * @param agents every worker agent registered in the cluster
 * @param queues the dispatcher queues hosted on this node
 */
public record NodeState(
    String node,
    List<String> roles,
    List<String> members,
    List<AgentView> agents,
    List<QueueView> queues) {}
