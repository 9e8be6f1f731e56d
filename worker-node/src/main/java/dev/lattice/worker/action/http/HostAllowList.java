package dev.lattice.worker.action.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The hosts the http action may call: those of {@code lattice.http.allowed-hosts}, for every
 * tenant, and those of {@code lattice.http.tenants.NAME.allowed-hosts}, for that tenant only. A
 * pattern is a host name or address, or {@code *.example.com} for any name below example.com (not
 * example.com itself). Everything else is denied.
 */
final class HostAllowList {
  private final List<String> global;
  private final Map<String, List<String>> tenants;

  HostAllowList(List<String> global, Map<String, List<String>> tenants) {
    this.global = global.stream().map(HostAllowList::normalized).toList();
    this.tenants =
        tenants.entrySet().stream()
            .collect(
                Collectors.toUnmodifiableMap(
                    Map.Entry::getKey,
                    e -> e.getValue().stream().map(HostAllowList::normalized).toList()));
  }

  /** Why {@code tenant} may not call {@code host}; empty when it may. */
  Optional<String> refusal(String host, String tenant) {
    String name = normalized(host);
    List<String> own = tenants.getOrDefault(tenant, List.of());
    if (matches(global, name) || matches(own, name)) {
      return Optional.empty();
    }
    return Optional.of(
        "host '"
            + name
            + "' is on neither lattice.http.allowed-hosts nor lattice.http.tenants."
            + tenant
            + ".allowed-hosts");
  }

  /** Whether {@code host}, {@link #normalized}, matches one of {@code patterns}, normalized. */
  static boolean matches(List<String> patterns, String host) {
    for (String pattern : patterns) {
      if (pattern.startsWith("*.")
          ? host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1
          : pattern.equals(host)) {
        return true;
      }
    }
    return false;
  }

  /** A host as compared: lower case, without IPv6 brackets or a trailing dot. */
  static String normalized(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }
}
