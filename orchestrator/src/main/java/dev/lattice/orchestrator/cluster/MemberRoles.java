package dev.lattice.orchestrator.cluster;

import java.util.List;
import org.apache.pekko.cluster.Member;

/**
 * A member's roles as Lattice reports them, and its node name, which every node announces to the
 * cluster as a role of its own.
 */
public final class MemberRoles {
  /** Pekko gives every member a role naming its data center ({@code dc-default}). */
  private static final String DATA_CENTER_PREFIX = "dc-";

  /**
   * The prefix of the role that carries a node's name ({@code lattice.node.name}). As a role, the
   * name travels with the membership itself: every node knows every member's name without asking,
   * even a member it no longer reaches.
   */
  private static final String NAME_PREFIX = "name:";

  private MemberRoles() {}

  /** The role that announces {@code nodeName}. */
  public static String nameRole(String nodeName) {
    return NAME_PREFIX + nodeName;
  }

  /** The member's Lattice roles, sorted: without the data-center and name roles. */
  public static List<String> roles(Member member) {
    return member.getRoles().stream()
        .filter(role -> !role.startsWith(DATA_CENTER_PREFIX) && !role.startsWith(NAME_PREFIX))
        .sorted()
        .toList();
  }

  /** The member's node name, or {@code null} for a member that did not announce one. */
  public static String name(Member member) {
    return member.getRoles().stream()
        .filter(role -> role.startsWith(NAME_PREFIX))
        .map(role -> role.substring(NAME_PREFIX.length()))
        .findFirst()
        .orElse(null);
  }
}
