package dev.lattice.orchestrator.http.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The roles of a principal (DESIGN.md §9). Every role reads what its tenant has; beyond that each
 * grants its own permissions, and a key may hold several. Only {@code admin} includes the others.
 */
public enum Role {
  /** Keys, the cluster's state, and everything the other roles may do. */
  ADMIN(EnumSet.allOf(Permission.class)),
  /** Interventions: pause, resume, cancel, signals, overrides, step retries. */
  OPERATOR(EnumSet.of(Permission.READ, Permission.INTERVENE)),
  /** Plans and runs: plan, execute, invoke. */
  SUBMITTER(EnumSet.of(Permission.READ, Permission.SUBMIT)),
  /** Reading only. */
  VIEWER(EnumSet.of(Permission.READ));

  private final Set<Permission> permissions;

  Role(Set<Permission> permissions) {
    this.permissions = permissions;
  }

  public boolean grants(Permission permission) {
    return permissions.contains(permission);
  }

  /** The role's name in keys, tokens and the API: lower case. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role named {@code value} (any case). */
  public static Role fromWire(String value) {
    for (Role role : values()) {
      if (role.wire().equalsIgnoreCase(value.trim())) {
        return role;
      }
    }
    throw new IllegalArgumentException(
        "unknown role '" + value + "'; one of admin, operator, submitter, viewer");
  }
}
