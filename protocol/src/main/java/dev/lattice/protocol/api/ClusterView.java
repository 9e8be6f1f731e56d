package dev.lattice.protocol.api;

import java.util.List;

/**
 * The cluster as one node sees it: its members and where the shards of each sharded entity type
 * live.
 *
 * @param members every member, in address order
 * @param shards per sharded entity type, the shards and entities each member hosts
 */
public record ClusterView(List<ClusterMember> members, List<ShardDistribution> shards) {

  public ClusterView {
    members = members == null ? List.of() : List.copyOf(members);
    shards = shards == null ? List.of() : List.copyOf(shards);
  }
}
