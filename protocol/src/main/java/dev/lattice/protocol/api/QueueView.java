package dev.lattice.protocol.api;

import dev.lattice.protocol.CborSerializable;

/**
 * One executor-dispatcher queue.
 *
 * @param busKey its {@code service/role/shard/tenant} key
 * @param queued assignments waiting for an agent
 * @param inFlight assignments handed to an agent and not yet finished
 */
public record QueueView(String busKey, int queued, int inFlight) implements CborSerializable {}
