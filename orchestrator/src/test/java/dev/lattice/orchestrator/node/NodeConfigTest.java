package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** How a node assembles its configuration. */
class NodeConfigTest {

  @Test
  void rolesAreAListByDefault() {
    var config = NodeConfig.assemble(ConfigFactory.empty(), null);
    assertThat(LatticeSettings.create(config).roles()).containsExactly("orchestrator", "worker");
    assertThat(config.getStringList("pekko.cluster.roles"))
        .containsExactly("orchestrator", "worker");
  }

  @Test
  void rolesMayBeACommaSeparatedString() {
    var config =
        NodeConfig.assemble(
            ConfigFactory.parseString("lattice.node.roles = \"worker, orchestrator\""), null);
    assertThat(LatticeSettings.create(config).roles()).containsExactly("worker", "orchestrator");
    assertThat(config.getStringList("pekko.cluster.roles"))
        .containsExactly("worker", "orchestrator");
  }
}
