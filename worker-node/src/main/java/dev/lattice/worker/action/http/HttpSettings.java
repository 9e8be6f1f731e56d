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
 * @param secrets where each scoped secret may go, by name
 */
public record HttpSettings(
    List<String> allowedHosts,
    Map<String, List<String>> tenantHosts,
    Set<String> allowedPrivateHosts,
    long maxResponseBytes,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxConnections,
    int errorExcerptChars,
    Map<String, SecretScope> secrets) {

  public HttpSettings {
    allowedHosts = List.copyOf(allowedHosts);
    tenantHosts = Map.copyOf(tenantHosts);
    allowedPrivateHosts = Set.copyOf(allowedPrivateHosts);
    secrets = Map.copyOf(secrets);
  }

  /** Reads {@code http}, the {@code lattice.http} section. */
  public static HttpSettings create(Config http) {
    Map<String, List<String>> tenants = new HashMap<>();
    Config byTenant = http.getConfig("tenants");
    for (String tenant : byTenant.root().keySet()) {
      tenants.put(tenant, byTenant.getConfig(quoted(tenant)).getStringList("allowed-hosts"));
    }
    Map<String, SecretScope> secrets = new HashMap<>();
    Config bySecret = http.getConfig("secrets");
    for (String secret : bySecret.root().keySet()) {
      Config scope = bySecret.getConfig(quoted(secret));
      secrets.put(
          secret,
          new SecretScope(
              scope.hasPath("hosts") ? scope.getStringList("hosts") : List.of(),
              scope.hasPath("tenants") ? Set.copyOf(scope.getStringList("tenants")) : Set.of()));
    }
    return new HttpSettings(
        http.getStringList("allowed-hosts"),
        tenants,
        Set.copyOf(http.getStringList("allowed-private-hosts")),
        http.getBytes("max-response-bytes"),
        http.getDuration("connect-timeout"),
        http.getDuration("request-timeout"),
        http.getInt("max-connections"),
        http.getInt("error-excerpt-chars"),
        secrets);
  }

  private static String quoted(String key) {
    // A tenant's name may hold dots, which a config path would read as nesting.
    return "\"" + key.replace("\"", "\\\"") + "\"";
  }
}
