package dev.lattice.protocol.agent;

import dev.lattice.protocol.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * A message a worker agent accepts: the commands below, which dispatchers and agent directories
 * send it from any node, and the agent's own internal messages, which never leave it.
 *
 * <p>Not sealed: the agent's internal messages live with the agent, in the worker node, and extend
 * this type so that one actor reference takes both. Nothing else implements it.
 */
public interface AgentCommand {

  /** The key every agent registers under with the receptionist. */
  ServiceKey<AgentCommand> SERVICE_KEY = ServiceKey.create(AgentCommand.class, "lattice-agents");

  /** Run {@code assignment}; progress goes to {@code replyTo}. */
  record Assign(Assignment assignment, ActorRef<AgentReply> replyTo)
      implements AgentCommand, CborSerializable {}

  /**
   * Stop the attempt with {@code idempotencyKey}, best-effort: it finishes at once as {@code
   * cancelled}; its action is told through its heartbeats and its result, if any, is dropped.
   */
  record Cancel(String idempotencyKey) implements AgentCommand, CborSerializable {}

  /**
   * {@code sender} does not take the slot the agent offered it with a {@link AgentReply.Vacancy}:
   * it goes to the next in line.
   */
  record Release(ActorRef<AgentReply> sender) implements AgentCommand, CborSerializable {}

  /**
   * The agent's node is leaving: take no more assignments, and answer {@code replyTo} once those in
   * flight have finished (at once if none are).
   */
  record Drain(ActorRef<Drained> replyTo) implements AgentCommand, CborSerializable {}

  /** Answer with the agent's manifest. */
  record GetManifest(ActorRef<AgentManifest> replyTo) implements AgentCommand, CborSerializable {}

  /** Send the agent's circuit breakers to {@code watcher} now and after every change. */
  record WatchBreakers(ActorRef<AgentBreakers> watcher) implements AgentCommand, CborSerializable {}
}
