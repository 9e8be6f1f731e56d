package dev.lattice.orchestrator.policy;

import com.typesafe.config.Config;
import dev.lattice.protocol.agent.AllowList;
import dev.lattice.protocol.ids.TenantId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Model and tool allow-lists per tenant and per capability. Where a list is configured, what is not
 * on it is denied; where none is, everything is allowed. An assignment must pass every list that
 * applies to it (its tenant's and its capability's).
 */
public final class AllowLists {
  /** No lists: everything is allowed. */
  public static final AllowLists NONE = new AllowLists(Map.of(), Map.of());

  private final Map<String, AllowList> models;
  private final Map<String, AllowList> tools;

  AllowLists(Map<String, AllowList> models, Map<String, AllowList> tools) {
    this.models = Map.copyOf(models);
    this.tools = Map.copyOf(tools);
  }

  /**
   * The lists of {@code lattice.policy.tenants} and {@code lattice.policy.capabilities}: under each
   * tenant or capability name, optional {@code models} and {@code tools}.
   */
  static AllowLists create(Config policy, String path) {
    Map<String, AllowList> models = new HashMap<>();
    Map<String, AllowList> tools = new HashMap<>();
    for (String scope : List.of("tenants", "capabilities")) {
      Config scoped = policy.getConfig(scope);
      for (String name : scoped.root().keySet()) {
        Config entry = scoped.getConfig("\"" + name + "\"");
        String rule = path + "." + scope + "." + name;
        if (entry.hasPath("models")) {
          models.put(
              key(scope, name),
              new AllowList(rule + ".models", Set.copyOf(entry.getStringList("models"))));
        }
        if (entry.hasPath("tools")) {
          tools.put(
              key(scope, name),
              new AllowList(rule + ".tools", Set.copyOf(entry.getStringList("tools"))));
        }
      }
    }
    return new AllowLists(models, tools);
  }

  private static String key(String scope, String name) {
    return scope + "/" + name;
  }

  /**
   * The list that denies {@code model} to a step of {@code capability} of {@code tenant}, if one
   * does. A step that names no model is not subject to model lists.
   */
  public Optional<AllowList> modelDenial(TenantId tenant, String capability, String model) {
    if (model == null) {
      return Optional.empty();
    }
    return applicable(models, tenant, capability).stream()
        .filter(list -> !list.allows(model))
        .findFirst();
  }

  /** The model lists that apply to a step of {@code capability} of {@code tenant}. */
  public List<AllowList> models(TenantId tenant, String capability) {
    return applicable(models, tenant, capability);
  }

  /** The tool lists that apply to a step of {@code capability} of {@code tenant}. */
  public List<AllowList> tools(TenantId tenant, String capability) {
    return applicable(tools, tenant, capability);
  }

  private static List<AllowList> applicable(
      Map<String, AllowList> lists, TenantId tenant, String capability) {
    List<AllowList> found = new ArrayList<>(2);
    AllowList byTenant = lists.get(key("tenants", tenant.value()));
    if (byTenant != null) {
      found.add(byTenant);
    }
    AllowList byCapability = lists.get(key("capabilities", capability));
    if (byCapability != null) {
      found.add(byCapability);
    }
    return found;
  }
}
