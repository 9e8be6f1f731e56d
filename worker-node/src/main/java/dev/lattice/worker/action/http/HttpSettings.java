package dev.lattice.worker.action.http;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code lattice.http} settings of the built-in {@code http} action.
 *
 * @param allowedHosts host patterns every tenant may call
 * @param tenantHosts further host patterns by tenant
 * @param allowedPrivateHosts hosts that may resolve to loopback, private or link-local addresses
 * @param maxResponseBytes the largest response body read; a step may ask for less
 * @param connectTimeout how long opening a connection may take
 * @param requestTimeout how long a call may take, response read to its end included
 * @param maxConnections connections kept open per target host
 * @param errorExcerptChars how much of a failed response's body its error message quotes
 */
public record HttpSettings(
    List<String> allowedHosts,
    Map<String, List<String>> tenantHosts,
    Set<String> allowedPrivateHosts,
    long maxResponseBytes,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxConnections,
    int errorExcerptChars) {

  public HttpSettings {
    allowedHosts = List.copyOf(allowedHosts);
    tenantHosts = Map.copyOf(tenantHosts);
    allowedPrivateHosts = Set.copyOf(allowedPrivateHosts);
  }

  /** Reads {@code http}, the {@code lattice.http} section. */
  public static HttpSettings create(Config http) {
    Map<String, List<String>> tenants = new HashMap<>();
    Config byTenant = http.getConfig("tenants");
    for (String tenant : byTenant.root().keySet()) {
      tenants.put(tenant, byTenant.getConfig(quoted(tenant)).getStringList("allowed-hosts"));
    }
    return new HttpSettings(
        http.getStringList("allowed-hosts"),
        tenants,
        Set.copyOf(http.getStringList("allowed-private-hosts")),
        http.getBytes("max-response-bytes"),
        http.getDuration("connect-timeout"),
        http.getDuration("request-timeout"),
        http.getInt("max-connections"),
        http.getInt("error-excerpt-chars"));
  }

  private static String quoted(String key) {
    // A tenant's name may hold dots, which a config path would read as nesting.
    return "\"" + key.replace("\"", "\\\"") + "\"";
  }
}
