package dev.lattice.protocol.api;

import java.util.List;

/**
 * One member of the cluster, as the node that reports it sees it.
 *
 * @param address its cluster address
 * @param name its node name ({@code lattice.node.name}); absent for a member that did not say
 * @param roles its roles ({@code orchestrator}, {@code worker})
 * @param status where it is in its membership lifecycle
 * @param reachable whether the reporting node's failure detector reaches it
 * @param leader whether it is the cluster's leader (the member that moves others up and out)
 * @param self whether it is the reporting node
 */
public record ClusterMember(
    String address,
    String name,
    List<String> roles,
    ClusterMemberStatus status,
    boolean reachable,
    boolean leader,
    boolean self) {

  public ClusterMember {
    roles = roles == null ? List.of() : List.copyOf(roles);
  }
}
