package dev.lattice.orchestrator.directory;

import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.agent.AgentBreakers;
import dev.lattice.protocol.agent.AgentCommand;
import dev.lattice.protocol.agent.AgentManifest;
import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.protocol.ids.AgentId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * A node's view of every worker agent in the cluster. Agents register with the receptionist; the
 * directory follows its listing, asks each new agent for its manifest, and tells subscribers (the
 * dispatchers on this node) the full set whenever it changes. It also watches each agent's circuit
 * breakers: the agent sends them at once and after every change, wherever it lives.
 */
public final class AgentDirectory extends AbstractBehavior<AgentDirectory.Command> {

  /** Messages of the directory. */
  public sealed interface Command extends CborSerializable {}

  /** Send the agents to {@code subscriber} now and after every change. */
  public record Subscribe(ActorRef<Agents> subscriber) implements Command {}

  /** Answer with the agents once. */
  public record GetAgents(ActorRef<Agents> replyTo) implements Command {}

  /** Answer with the circuit breakers of the agents known now, as they last reported them. */
  public record GetBreakers(ActorRef<Breakers> replyTo) implements Command {}

  /** The circuit breakers of agents, one entry per agent that has reported them. */
  public record Breakers(List<AgentBreakers> agents) implements CborSerializable {
    public Breakers {
      agents = List.copyOf(agents);
    }
  }

  /** The agents known now. */
  public record Agents(List<AgentEntry> agents) implements CborSerializable {
    public Agents {
      agents = List.copyOf(agents);
    }

    /** Every capability some agent offers. */
    public Set<String> capabilities() {
      Set<String> all = new HashSet<>();
      agents.forEach(a -> all.addAll(a.manifest().capabilities()));
      return all;
    }

    /** How the capabilities that can be tools are described, by capability. */
    public Map<String, ToolSpec> tools() {
      Map<String, ToolSpec> described = new HashMap<>();
      agents.forEach(a -> described.putAll(a.manifest().tools()));
      return described;
    }
  }

  private record ListingChanged(Receptionist.Listing listing) implements Command {}

  private record ManifestReceived(ActorRef<AgentCommand> agent, AgentManifest manifest)
      implements Command {}

  private record ManifestMissing(ActorRef<AgentCommand> agent) implements Command {}

  private record SubscriberGone(ActorRef<Agents> subscriber) implements Command {}

  private record BreakersReported(AgentBreakers breakers) implements Command {}

  private final Duration askTimeout;
  private final Map<ActorRef<AgentCommand>, AgentManifest> manifests = new HashMap<>();
  private final Set<ActorRef<AgentCommand>> listed = new HashSet<>();
  private final Set<ActorRef<Agents>> subscribers = new HashSet<>();
  private final Map<AgentId, AgentBreakers> breakers = new HashMap<>();
  private final ActorRef<AgentBreakers> breakerReports;

  private AgentDirectory(ActorContext<Command> context, Duration askTimeout) {
    super(context);
    this.askTimeout = askTimeout;
    ActorRef<Receptionist.Listing> listings =
        context.messageAdapter(Receptionist.Listing.class, ListingChanged::new);
    context
        .getSystem()
        .receptionist()
        .tell(Receptionist.subscribe(AgentCommand.SERVICE_KEY, listings));
    this.breakerReports = context.messageAdapter(AgentBreakers.class, BreakersReported::new);
  }

  /** A directory that asks agents for their manifests with {@code askTimeout}. */
  public static Behavior<Command> create(Duration askTimeout) {
    return Behaviors.setup(context -> new AgentDirectory(context, askTimeout));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(GetAgents.class, get -> reply(get.replyTo()))
        .onMessage(ListingChanged.class, this::onListing)
        .onMessage(ManifestReceived.class, this::onManifest)
        .onMessage(ManifestMissing.class, this::onManifestMissing)
        .onMessage(SubscriberGone.class, gone -> forget(gone.subscriber()))
        .onMessage(GetBreakers.class, this::onGetBreakers)
        .onMessage(BreakersReported.class, this::onBreakersReported)
        .build();
  }

  private Behavior<Command> onSubscribe(Subscribe subscribe) {
    if (subscribers.add(subscribe.subscriber())) {
      getContext().watchWith(subscribe.subscriber(), new SubscriberGone(subscribe.subscriber()));
    }
    subscribe.subscriber().tell(current());
    return this;
  }

  private Behavior<Command> reply(ActorRef<Agents> replyTo) {
    replyTo.tell(current());
    return this;
  }

  private Behavior<Command> forget(ActorRef<Agents> subscriber) {
    subscribers.remove(subscriber);
    return this;
  }

  private Behavior<Command> onListing(ListingChanged changed) {
    Set<ActorRef<AgentCommand>> now =
        changed.listing().getServiceInstances(AgentCommand.SERVICE_KEY);
    boolean removed = manifests.keySet().retainAll(now);
    if (removed) {
      Set<AgentId> known = new HashSet<>();
      manifests.values().forEach(m -> known.add(m.agentId()));
      breakers.keySet().retainAll(known);
    }
    listed.clear();
    listed.addAll(now);
    for (ActorRef<AgentCommand> agent : now) {
      if (!manifests.containsKey(agent)) {
        askManifest(agent);
      }
    }
    if (removed) {
      publish();
    }
    return this;
  }

  private void askManifest(ActorRef<AgentCommand> agent) {
    getContext()
        .ask(
            AgentManifest.class,
            agent,
            askTimeout,
            AgentCommand.GetManifest::new,
            (manifest, failure) ->
                manifest != null
                    ? new ManifestReceived(agent, manifest)
                    : new ManifestMissing(agent));
  }

  private Behavior<Command> onManifest(ManifestReceived received) {
    if (listed.contains(received.agent())) {
      manifests.put(received.agent(), received.manifest());
      received.agent().tell(new AgentCommand.WatchBreakers(breakerReports));
      publish();
    }
    return this;
  }

  private Behavior<Command> onManifestMissing(ManifestMissing missing) {
    if (listed.contains(missing.agent()) && !manifests.containsKey(missing.agent())) {
      getContext()
          .getLog()
          .warn("agent {} did not send its manifest; asking again", missing.agent());
      askManifest(missing.agent());
    }
    return this;
  }

  private Behavior<Command> onGetBreakers(GetBreakers get) {
    get.replyTo().tell(new Breakers(List.copyOf(breakers.values())));
    return this;
  }

  private Behavior<Command> onBreakersReported(BreakersReported reported) {
    AgentId agent = reported.breakers().agentId();
    // A late report of an agent that has left is dropped.
    if (manifests.values().stream().anyMatch(m -> m.agentId().equals(agent))) {
      breakers.put(agent, reported.breakers());
    }
    return this;
  }

  private Agents current() {
    List<AgentEntry> entries = new ArrayList<>();
    manifests.forEach((ref, manifest) -> entries.add(new AgentEntry(manifest, ref)));
    entries.sort(Comparator.comparing(e -> e.manifest().agentId().value()));
    return new Agents(entries);
  }

  private void publish() {
    Agents agents = current();
    subscribers.forEach(s -> s.tell(agents));
  }
}
