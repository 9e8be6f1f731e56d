package dev.lattice.orchestrator.cluster;

import dev.lattice.protocol.api.ClusterMember;
import dev.lattice.protocol.api.ClusterMemberStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/** The members of the cluster as this node sees them, from its current membership state. */
public final class ClusterMembers {
  private ClusterMembers() {}

  /** Every member, in address order. */
  public static List<ClusterMember> of(Cluster cluster) {
    CurrentClusterState state = cluster.state();
    Address self = cluster.selfMember().address();
    Address leader = state.getLeader();
    Set<Member> unreachable = state.getUnreachable();
    List<ClusterMember> members = new ArrayList<>();
    // Pekko keeps the members sorted by address.
    for (Member member : state.getMembers()) {
      members.add(
          new ClusterMember(
              member.address().toString(),
              MemberRoles.name(member),
              MemberRoles.roles(member),
              status(member.status()),
              !unreachable.contains(member),
              member.address().equals(leader),
              member.address().equals(self)));
    }
    return members;
  }

  /** Pekko's member status in the API's terms. */
  public static ClusterMemberStatus status(MemberStatus status) {
    if (status == MemberStatus.joining()) {
      return ClusterMemberStatus.JOINING;
    } else if (status == MemberStatus.weaklyUp()) {
      return ClusterMemberStatus.WEAKLY_UP;
    } else if (status == MemberStatus.up()) {
      return ClusterMemberStatus.UP;
    } else if (status == MemberStatus.leaving()) {
      return ClusterMemberStatus.LEAVING;
    } else if (status == MemberStatus.exiting()) {
      return ClusterMemberStatus.EXITING;
    } else if (status == MemberStatus.down()) {
      return ClusterMemberStatus.DOWN;
    } else if (status == MemberStatus.shuttingDown()) {
      return ClusterMemberStatus.PREPARING_FOR_SHUTDOWN;
    } else if (status == MemberStatus.shutDown()) {
      return ClusterMemberStatus.READY_FOR_SHUTDOWN;
    }
    return ClusterMemberStatus.REMOVED;
  }
}
