package dev.lattice.worker.action.http;

import java.util.List;
import java.util.Set;

/**
 * Where one secret may go ({@code lattice.http.secrets.NAME}).
 *
 * @param hosts host patterns it may be sent to, as in {@code allowed-hosts}; empty: any allowed
 * @param tenants tenants whose steps may use it; empty: any
 */
record SecretScope(List<String> hosts, Set<String> tenants) {
  SecretScope {
    hosts = List.copyOf(hosts);
    tenants = Set.copyOf(tenants);
  }
}
