package dev.lattice.worker.action.http;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.secret.ResolvedSecrets;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where each secret may go ({@code lattice.http.secrets.NAME}): the hosts it may be sent to and the
 * tenants whose steps may use it. A plan may name any secret, and so may a model that calls {@code
 * http} as a tool; scoping a secret keeps it from any other allowed host, and from other tenants. A
 * secret without a scope may go to any allowed host, for any tenant.
 */
final class SecretScopes {
  private final Map<String, SecretScope> scopes;

  SecretScopes(Map<String, SecretScope> scopes) {
    this.scopes =
        scopes.entrySet().stream()
            .collect(
                Collectors.toUnmodifiableMap(
                    Map.Entry::getKey,
                    e ->
                        new SecretScope(
                            e.getValue().hosts().stream().map(HostAllowList::normalized).toList(),
                            e.getValue().tenants())));
  }

  /**
   * Checks that every secret in {@code used} may go to {@code host} for {@code tenant}.
   *
   * @throws ActionException {@code policy_denied}, naming the secret and its rule
   */
  void check(ResolvedSecrets used, String host, String tenant) {
    String name = HostAllowList.normalized(host);
    for (String secret : used.names()) {
      SecretScope scope = scopes.get(secret);
      if (scope == null) {
        continue;
      }
      if (!scope.tenants().isEmpty() && !scope.tenants().contains(tenant)) {
        throw denied(
            "secret '"
                + secret
                + "' may not be used by tenant '"
                + tenant
                + "' (lattice.http.secrets."
                + secret
                + ".tenants)");
      }
      if (!scope.hosts().isEmpty() && !HostAllowList.matches(scope.hosts(), name)) {
        throw denied(
            "secret '"
                + secret
                + "' may not be sent to host '"
                + name
                + "' (lattice.http.secrets."
                + secret
                + ".hosts = "
                + scope.hosts()
                + ")");
      }
    }
  }

  private static ActionException denied(String rule) {
    return new ActionException(ErrorClass.POLICY_DENIED, rule);
  }
}
