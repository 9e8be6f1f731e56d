package dev.lattice.protocol.api;

/**
 * What one member hosts of one sharded entity type, as its shard region reported it.
 *
 * @param address the member
 * @param name its node name, when known
 * @param reply whether its region answered; {@code shards} and {@code entities} are absent when it
 *     did not
 * @param shards the shards it hosts
 * @param entities the entities running in those shards
 * @param unansweredShards shards of the region that did not report their entities in time (their
 *     entities are not counted)
 */
public record NodeShards(
    String address,
    String name,
    RegionReply reply,
    Integer shards,
    Integer entities,
    Integer unansweredShards) {

  /** A region that answered. */
  public static NodeShards answered(
      String address, String name, int shards, int entities, int unansweredShards) {
    return new NodeShards(address, name, RegionReply.ANSWERED, shards, entities, unansweredShards);
  }

  /** A region that did not answer, for {@code reply}. */
  public static NodeShards unanswered(String address, String name, RegionReply reply) {
    return new NodeShards(address, name, reply, null, null, null);
  }
}
