package dev.lattice.orchestrator.node;

import dev.lattice.orchestrator.cluster.ClusterMembers;
import dev.lattice.orchestrator.cluster.MemberRoles;
import dev.lattice.orchestrator.cluster.ShardDistributions;
import dev.lattice.orchestrator.directory.AgentDirectory;
import dev.lattice.orchestrator.directory.AgentEntry;
import dev.lattice.orchestrator.directory.CapabilityCategories;
import dev.lattice.orchestrator.dispatch.Dispatcher;
import dev.lattice.protocol.agent.AgentBreakers;
import dev.lattice.protocol.agent.AgentManifest;
import dev.lattice.protocol.api.AgentView;
import dev.lattice.protocol.api.ClusterMember;
import dev.lattice.protocol.api.ClusterView;
import dev.lattice.protocol.api.NodeState;
import dev.lattice.protocol.api.QueueView;
import dev.lattice.protocol.api.ShardDistribution;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.run.RunStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * This node's view of itself and the cluster: its members, the agents with their circuit breakers
 * and load, the queues of the dispatchers hosted here, runs by status and shards by node.
 */
final class NodeStateQuery {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final ActorRef<AgentDirectory.Command> directory;
  private final ReadModels readModels;
  private final ShardDistributions shards;
  private final IntSupplier openStreams;
  private final CapabilityCategories categories;
  private final Duration askTimeout;
  private final Executor executor;

  NodeStateQuery(
      ActorSystem<?> system,
      ActorRef<AgentDirectory.Command> directory,
      ReadModels readModels,
      ShardDistributions shards,
      IntSupplier openStreams,
      CapabilityCategories categories,
      Duration askTimeout,
      Executor executor) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.directory = directory;
    this.readModels = readModels;
    this.shards = shards;
    this.openStreams = openStreams;
    this.categories = categories;
    this.askTimeout = askTimeout;
    this.executor = executor;
  }

  CompletionStage<NodeState> state() {
    Cluster cluster = Cluster.get(system);
    List<String> members = new ArrayList<>();
    cluster
        .state()
        .getMembers()
        .forEach(
            m -> members.add(m.address() + " " + MemberRoles.roles(m) + " " + status(m.status())));
    List<ClusterMember> clusterMembers = ClusterMembers.of(cluster);
    CompletionStage<List<AgentView>> agents = listed();
    CompletionStage<List<QueueView>> queues = queues();
    CompletionStage<RunsAndShards> counts =
        readModels.countByStatus().thenCombineAsync(shards.current(), RunsAndShards::new, executor);
    return agents
        .thenCombineAsync(queues, NodeStateQuery::withLoad, executor)
        .thenCombineAsync(
            counts,
            (views, counted) ->
                new NodeState(
                    cluster.selfMember().address().toString(),
                    MemberRoles.roles(cluster.selfMember()),
                    members,
                    views.agents(),
                    views.queues(),
                    counted.runs(),
                    openStreams.getAsInt(),
                    new ClusterView(clusterMembers, counted.shards())),
            executor);
  }

  /**
   * Every agent the directory knows, with its circuit breakers as it last reported them and the
   * load this node's dispatchers have in flight on it.
   */
  CompletionStage<List<AgentView>> agents() {
    return listed()
        .thenCombineAsync(
            queues(), (agents, queues) -> withLoad(agents, queues).agents(), executor);
  }

  /** Every agent the directory knows, with its circuit breakers, before its load is counted. */
  CompletionStage<List<AgentView>> listed() {
    CompletionStage<AgentDirectory.Breakers> breakers =
        AskPattern.ask(directory, AgentDirectory.GetBreakers::new, askTimeout, system.scheduler());
    return AskPattern.ask(directory, AgentDirectory.GetAgents::new, askTimeout, system.scheduler())
        .thenCombineAsync(
            breakers,
            (agents, reported) -> {
              Map<AgentId, AgentBreakers> byAgent = new HashMap<>();
              reported.agents().forEach(b -> byAgent.put(b.agentId(), b));
              return agents.agents().stream()
                  .map(entry -> view(entry, byAgent.get(entry.manifest().agentId()), categories))
                  .toList();
            },
            executor);
  }

  private record AgentsAndQueues(List<AgentView> agents, List<QueueView> queues) {}

  private record RunsAndShards(Map<RunStatus, Long> runs, List<ShardDistribution> shards) {}

  /** The agents, each with the load this node's dispatchers have in flight on it. */
  private static AgentsAndQueues withLoad(List<AgentView> agents, List<QueueView> queues) {
    Map<String, Integer> load = new HashMap<>();
    queues.forEach(
        q -> q.inFlightByAgent().forEach((agent, n) -> load.merge(agent, n, Integer::sum)));
    List<AgentView> loaded =
        agents.stream().map(a -> a.withLoad(load.getOrDefault(a.agentId(), 0))).toList();
    return new AgentsAndQueues(loaded, queues);
  }

  private static String status(MemberStatus status) {
    return status.toString().toLowerCase(Locale.ROOT);
  }

  /** The queues of the dispatchers this node hosts, by bus key. */
  private CompletionStage<List<QueueView>> queues() {
    CompletionStage<CurrentShardRegionState> regions =
        AskPattern.ask(
            sharding.shardState(),
            replyTo -> new GetShardRegionState(Dispatcher.ENTITY_TYPE_KEY, replyTo),
            askTimeout,
            system.scheduler());
    return regions.thenComposeAsync(
        region -> {
          List<CompletableFuture<QueueView>> views = new ArrayList<>();
          region
              .getShards()
              .forEach(
                  shard ->
                      shard
                          .getEntityIds()
                          .forEach(
                              id ->
                                  views.add(
                                      sharding
                                          .entityRefFor(Dispatcher.ENTITY_TYPE_KEY, id)
                                          .<QueueView>ask(Dispatcher.GetQueue::new, askTimeout)
                                          .toCompletableFuture())));
          return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new))
              .thenApplyAsync(
                  done ->
                      views.stream()
                          .map(CompletableFuture::join)
                          .sorted(Comparator.comparing(QueueView::busKey))
                          .toList(),
                  executor);
        },
        executor);
  }

  private static AgentView view(
      AgentEntry entry, AgentBreakers breakers, CapabilityCategories categories) {
    AgentManifest m = entry.manifest();
    List<String> capabilities = m.capabilities().stream().sorted().toList();
    return new AgentView(
        m.agentId().value(),
        m.node(),
        capabilities,
        m.models().stream().sorted().toList(),
        m.maxConcurrent(),
        m.priority(),
        0,
        breakers == null ? null : breakers.agent(),
        breakers == null ? Map.of() : breakers.models(),
        m.tools(),
        categories.group(capabilities),
        null);
  }
}
