package dev.lattice.orchestrator.cluster;

import dev.lattice.protocol.api.NodeShards;
import dev.lattice.protocol.api.RegionReply;
import dev.lattice.protocol.api.ShardDistribution;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.pattern.Patterns;

/**
 * Where the shards of each sharded entity type live: the shard region of every member that may host
 * them (it has the type's role and is not down) is asked for its shards and their entities, each
 * within {@code lattice.cluster.shard-stats-timeout}; a member this node does not reach is not
 * asked.
 *
 * <p>Each region is asked on its own rather than through Pekko's {@code GetClusterShardingStats},
 * which answers with no region at all as soon as one of them is late: a slow member must show as
 * such without hiding the others.
 */
public final class ShardDistributions {
  private final ActorSystem<?> system;
  private final List<ShardedType> types;
  private final Duration timeout;
  private final String guardian;
  private final Executor executor;

  public ShardDistributions(ActorSystem<?> system, List<ShardedType> types, Duration timeout) {
    this.system = system;
    this.types = List.copyOf(types);
    this.timeout = timeout;
    // Sharding's regions are children of this system actor, named after their entity type.
    this.guardian = system.settings().config().getString("pekko.cluster.sharding.guardian-name");
    this.executor = system.executionContext();
  }

  /** Each type's shards per member, in the order of the types and of the members' addresses. */
  public CompletionStage<List<ShardDistribution>> current() {
    CurrentClusterState state = Cluster.get(system).state();
    Set<Member> unreachable = state.getUnreachable();
    List<CompletableFuture<ShardDistribution>> distributions = new ArrayList<>();
    for (ShardedType type : types) {
      List<CompletableFuture<NodeShards>> nodes = new ArrayList<>();
      for (Member member : state.getMembers()) {
        if (!member.hasRole(type.role()) || gone(member)) {
          continue;
        }
        nodes.add(
            unreachable.contains(member)
                ? CompletableFuture.completedFuture(
                    NodeShards.unanswered(
                        member.address().toString(),
                        MemberRoles.name(member),
                        RegionReply.UNREACHABLE))
                : ask(member, type));
      }
      distributions.add(
          CompletableFuture.allOf(nodes.toArray(CompletableFuture[]::new))
              .thenApplyAsync(
                  done ->
                      new ShardDistribution(
                          type.type(),
                          type.entityType(),
                          type.role(),
                          nodes.stream().map(CompletableFuture::join).toList()),
                  executor));
    }
    return CompletableFuture.allOf(distributions.toArray(CompletableFuture[]::new))
        .thenApplyAsync(
            done -> distributions.stream().map(CompletableFuture::join).toList(), executor);
  }

  private static boolean gone(Member member) {
    return member.status() == MemberStatus.down() || member.status() == MemberStatus.removed();
  }

  /** The member's region of {@code type}: its shards and entities, or that it did not answer. */
  private CompletableFuture<NodeShards> ask(Member member, ShardedType type) {
    String address = member.address().toString();
    String name = MemberRoles.name(member);
    ActorSelection region =
        system
            .classicSystem()
            .actorSelection(
                address
                    + "/system/"
                    + guardian
                    + "/"
                    + URLEncoder.encode(type.entityType(), StandardCharsets.UTF_8));
    return Patterns.ask(region, ShardRegion.getRegionStatsInstance(), timeout)
        .handleAsync(
            (reply, failure) -> {
              if (reply instanceof ShardRegion.ShardRegionStats stats) {
                int entities =
                    stats.getStats().values().stream().mapToInt(n -> ((Number) n).intValue()).sum();
                int unanswered = stats.getFailed().size();
                return NodeShards.answered(
                    address, name, stats.getStats().size() + unanswered, entities, unanswered);
              }
              // A timeout, or a member whose region is not there (yet, or any more).
              return NodeShards.unanswered(address, name, RegionReply.NO_ANSWER);
            },
            executor)
        .toCompletableFuture();
  }
}
