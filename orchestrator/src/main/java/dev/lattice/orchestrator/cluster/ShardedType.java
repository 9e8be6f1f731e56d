package dev.lattice.orchestrator.cluster;

/**
 * One sharded entity type of a node, for the cluster view and the readiness check.
 *
 * @param type what its entities are, as the API names them ({@code runs}, ...)
 * @param entityType its sharding name (the entity type key's name)
 * @param role the role a member needs to host its shards; other members only route to them
 */
public record ShardedType(String type, String entityType, String role) {}
