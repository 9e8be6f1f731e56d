package dev.lattice.protocol.agent;

import dev.lattice.protocol.CborSerializable;

/**
 * Why a worker agent's open circuit breaker refused an assignment (part of its {@link
 * AgentReply.Rejected}), so that a dispatcher can leave the agent, or that model on it, alone until
 * the breaker may accept again.
 *
 * @param model the model whose breaker it is, or null for the agent's own
 * @param retryAfterMs how long until it lets a probe through; 0 when a probe is already out and its
 *     outcome decides
 */
public record BreakerOpen(String model, long retryAfterMs) implements CborSerializable {}
