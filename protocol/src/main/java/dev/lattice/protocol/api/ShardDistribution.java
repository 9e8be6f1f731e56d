package dev.lattice.protocol.api;

import java.util.List;

/**
 * How the shards of one sharded entity type are spread over the members that may host them.
 *
 * @param type what the entities are: {@code runs}, {@code dispatchers} or {@code ledgers}
 * @param entityType the sharding name of the entity type ({@code RunEntity}, ...)
 * @param role the role a member needs to host them
 * @param nodes every member with that role that is not down, in address order
 */
public record ShardDistribution(
    String type, String entityType, String role, List<NodeShards> nodes) {

  public ShardDistribution {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
  }
}
