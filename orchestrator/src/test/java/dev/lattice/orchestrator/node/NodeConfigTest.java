package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.cluster.MemberRoles;
import dev.lattice.orchestrator.testing.TestPki;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a node assembles its configuration. */
class NodeConfigTest {

  @Test
  void rolesAreAListByDefault() {
    var config = NodeConfig.assemble(ConfigFactory.empty(), null);
    assertThat(LatticeSettings.create(config).roles()).containsExactly("orchestrator", "worker");
    // The cluster roles carry the node's name as well, so that other members know it.
    assertThat(config.getStringList("pekko.cluster.roles"))
        .containsExactly("orchestrator", "worker", MemberRoles.nameRole("local"));
  }

  @Test
  void rolesMayBeACommaSeparatedString() {
    var config =
        NodeConfig.assemble(
            ConfigFactory.parseString("lattice.node.roles = \"worker, orchestrator\""), null);
    assertThat(LatticeSettings.create(config).roles()).containsExactly("worker", "orchestrator");
    assertThat(config.getStringList("pekko.cluster.roles"))
        .containsExactly("worker", "orchestrator", MemberRoles.nameRole("local"));
  }

  @Test
  void roleProfilesTakeTheRoleDefaultsAnOperatorSets() {
    var config =
        NodeConfig.assemble(
            ConfigFactory.parseString(
                "lattice.llm.role-defaults { provider = openai, model = \"gpt-4o-mini\" }"),
            null);
    for (String role : new String[] {"planner", "researcher", "coder", "reviewer"}) {
      assertThat(config.getString("lattice.llm.profiles." + role + ".provider"))
          .isEqualTo("openai");
      assertThat(config.getString("lattice.llm.profiles." + role + ".model"))
          .isEqualTo("gpt-4o-mini");
    }
    // What the role itself sets stays.
    assertThat(config.getString("lattice.llm.profiles.reviewer.system")).contains("review");
  }

  @Test
  void remotingRunsOverTlsWhenTheClustersStoresAreSet(@TempDir Path directory) {
    TestPki.Authority authority = TestPki.authority("Cluster CA");
    Path keyStore = directory.resolve("node.p12");
    Path trustStore = directory.resolve("trust.p12");
    authority.issue("node", "127.0.0.1").writeKeyStore(keyStore, "key-password");
    authority.writeTrustStore(trustStore, "trust-password");

    var config =
        NodeConfig.assemble(
            ConfigFactory.parseString(
                "lattice.cluster.tls { key-store = \""
                    + keyStore
                    + "\", key-store-password = key-password, trust-store = \""
                    + trustStore
                    + "\", trust-store-password = trust-password }"),
            null);

    assertThat(config.getString("pekko.remote.artery.transport")).isEqualTo("tls-tcp");
    assertThat(
            config.getBoolean(
                "pekko.remote.artery.ssl.config-ssl-engine.require-mutual-authentication"))
        .isTrue();
    assertThat(config.getString("pekko.remote.artery.ssl.config-ssl-engine.trust-store"))
        .isEqualTo(trustStore.toAbsolutePath().toString());
  }
}
