package dev.lattice.protocol.agent;

import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.ids.AgentId;

/** The answer to an {@link AgentCommand.Drain}: nothing is in flight on the agent any more. */
public record Drained(AgentId agentId) implements CborSerializable {}
