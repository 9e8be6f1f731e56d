package dev.lattice.protocol.agent;

import java.util.Objects;
import java.util.Set;

/**
 * A configured allow-list: what it allows, and the name of the rule, so that a denial can say which
 * rule denied it.
 *
 * @param rule where the list is configured, e.g. {@code lattice.policy.tenants.acme.tools}
 * @param allowed the names it allows; everything else is denied
 */
public record AllowList(String rule, Set<String> allowed) {
  public AllowList {
    Objects.requireNonNull(rule, "rule");
    allowed = Set.copyOf(allowed);
  }

  public boolean allows(String name) {
    return allowed.contains(name);
  }
}
