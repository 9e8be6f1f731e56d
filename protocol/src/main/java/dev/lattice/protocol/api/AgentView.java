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
 */
public record AgentView(
    String agentId,
    String node,
    List<String> capabilities,
    List<String> models,
    int maxConcurrent,
    int priority) {}
