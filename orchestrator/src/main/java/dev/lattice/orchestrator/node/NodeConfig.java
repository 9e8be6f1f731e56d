package dev.lattice.orchestrator.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import dev.lattice.orchestrator.cluster.MemberRoles;
import dev.lattice.orchestrator.tls.ClusterTls;
import dev.lattice.persistence.journal.JournalPluginConfig;
import dev.lattice.persistence.journal.PersistenceSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Assembles a node's configuration: the caller's overrides, then system properties, then the
 * application's {@code application.conf}, then {@code lattice-node.conf}, then every module's
 * {@code reference.conf}; plus the journal database derived from {@code lattice.persistence} and
 * remoting's TLS from {@code lattice.cluster.tls}.
 */
final class NodeConfig {
  private NodeConfig() {}

  static Config assemble(Config overrides, Path dataDirectory) {
    Config base = overrides;
    if (dataDirectory != null) {
      base =
          base.withValue(
              "lattice.persistence.data-dir",
              ConfigValueFactory.fromAnyRef(dataDirectory.toAbsolutePath().toString()));
    }
    Config resolved =
        base.withFallback(ConfigFactory.systemProperties())
            .withFallback(ConfigFactory.defaultApplication())
            .withFallback(ConfigFactory.parseResources("lattice-node.conf"))
            // Unresolved, so that references inside reference.conf (the role profiles'
            // ${lattice.llm.role-defaults}) see what the layers above set.
            .withFallback(ConfigFactory.defaultReferenceUnresolved())
            .resolve();
    List<String> nodeRoles = roles(resolved);
    // The node's name travels as a role, so that every member knows every other's name.
    List<String> clusterRoles = new ArrayList<>(nodeRoles);
    clusterRoles.add(MemberRoles.nameRole(resolved.getString("lattice.node.name")));
    Config roles =
        ConfigFactory.empty()
            .withValue("lattice.node.roles", ConfigValueFactory.fromIterable(nodeRoles))
            .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(clusterRoles));
    PersistenceSettings persistence = PersistenceSettings.create(resolved);
    // Remoting over TLS when lattice.cluster.tls names the node's key and trust stores.
    Config remoting =
        ClusterTls.create(resolved).map(ClusterTls::pekkoConfig).orElse(ConfigFactory.empty());
    return roles
        .withFallback(remoting)
        .withFallback(JournalPluginConfig.overlay(persistence.database()))
        .withFallback(resolved);
  }

  /** {@code lattice.node.roles}: a list, or a comma-separated string (from LATTICE_NODE_ROLES). */
  private static List<String> roles(Config config) {
    String key = "lattice.node.roles";
    if (config.getValue(key).valueType() != ConfigValueType.STRING) {
      return config.getStringList(key);
    }
    return Arrays.stream(config.getString(key).split(","))
        .map(String::trim)
        .filter(role -> !role.isEmpty())
        .toList();
  }
}
