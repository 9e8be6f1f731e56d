package dev.lattice.protocol.api;

import java.util.List;

/**
 * One worker agent as the cluster sees it.
 *
 * @param agentId the agent
 * @param node the node it lives on
 * @param capabilities what it serves
 * @param models the models it can use
 * @param maxConcurrent its capacity
 * @param priority its routing priority
 * @param load assignments in flight on it, as this node's dispatchers count them
 */
public record AgentView(
    String agentId,
    String node,
    List<String> capabilities,
    List<String> models,
    int maxConcurrent,
    int priority,
    int load) {}
