package dev.lattice.orchestrator.directory;

import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.AgentManifest;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A registered worker agent: what it announced and where to reach it.
 *
 * @param manifest its manifest
 * @param ref its actor
 */
public record AgentEntry(AgentManifest manifest, ActorRef<AgentCommand> ref)
    implements CborSerializable {}
